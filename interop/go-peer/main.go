// Command go-peer is a go-libp2p peer for cross-implementation interop tests.
//
// Without arguments it runs the transport-interop ping contract, configured only through
// environment variables (see README.md and shared/INTEROP.md 1.1). With --run-server or
// --server-address it runs the perf contract instead (perf.go).
//
// stdout carries only results; every log line goes to stderr.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math/big"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	libp2pquic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	libp2pwebrtc "github.com/libp2p/go-libp2p/p2p/transport/webrtc"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
	libp2pwebtransport "github.com/libp2p/go-libp2p/p2p/transport/webtransport"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
	"github.com/redis/go-redis/v9"
)

const listenerAddrKey = "listenerAddr"

func main() {
	log.SetOutput(os.Stderr)
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetPrefix("[go-peer] ")

	for _, a := range os.Args[1:] {
		if a == "--run-server" || a == "-run-server" || a == "--server-address" || a == "-server-address" ||
			len(a) > len("--server-address=") && a[:len("--server-address=")] == "--server-address=" {
			if err := runPerf(os.Args[1:]); err != nil {
				log.Printf("perf: %v", err)
				os.Exit(1)
			}
			return
		}
	}
	if len(os.Args) > 1 {
		log.Printf("unknown arguments %q: the ping test takes only environment variables; perf takes --run-server / --server-address", os.Args[1:])
		os.Exit(2)
	}

	if err := runPing(); err != nil {
		log.Printf("error: %v", err)
		os.Exit(1)
	}
}

type pingConfig struct {
	transport, security, muxer string
	isDialer                   bool
	ip                         string
	redisAddr                  string
	timeout                    time.Duration
}

func configFromEnv() (pingConfig, error) {
	c := pingConfig{
		transport: os.Getenv("transport"),
		security:  os.Getenv("security"),
		muxer:     os.Getenv("muxer"),
		isDialer:  os.Getenv("is_dialer") == "true",
		ip:        os.Getenv("ip"),
		redisAddr: os.Getenv("redis_addr"),
		timeout:   180 * time.Second,
	}
	if c.ip == "" {
		c.ip = "0.0.0.0"
	}
	if c.redisAddr == "" {
		c.redisAddr = "redis:6379"
	}
	if s := os.Getenv("test_timeout_seconds"); s != "" {
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil || secs <= 0 {
			return c, fmt.Errorf("bad test_timeout_seconds %q", s)
		}
		c.timeout = time.Duration(secs * float64(time.Second))
	}
	if net.ParseIP(c.ip) == nil {
		return c, fmt.Errorf("bad ip %q", c.ip)
	}
	return c, nil
}

// hostOptions maps the contract's transport/security/muxer onto libp2p options and the
// listen multiaddr. Unknown values are errors (the contract wants exit != 0).
func hostOptions(c pingConfig) ([]libp2p.Option, string, error) {
	ipProto := "ip4"
	if net.ParseIP(c.ip).To4() == nil {
		ipProto = "ip6"
	}
	base := fmt.Sprintf("/%s/%s", ipProto, c.ip)

	var opts []libp2p.Option
	var listen string
	standalone := false
	switch c.transport {
	case "tcp":
		opts = append(opts, libp2p.Transport(tcp.NewTCPTransport))
		listen = base + "/tcp/0"
	case "ws":
		opts = append(opts, libp2p.Transport(websocket.New))
		listen = base + "/tcp/0/ws"
	case "wss":
		tlsConf, err := selfSignedTLSConfig(c.ip)
		if err != nil {
			return nil, "", fmt.Errorf("self-signed certificate: %w", err)
		}
		opts = append(opts, libp2p.Transport(websocket.New,
			websocket.WithTLSConfig(tlsConf),
			websocket.WithTLSClientConfig(&tls.Config{InsecureSkipVerify: true})))
		listen = base + "/tcp/0/wss"
	case "quic-v1":
		opts = append(opts, libp2p.Transport(libp2pquic.NewTransport))
		listen = base + "/udp/0/quic-v1"
		standalone = true
	case "webtransport":
		opts = append(opts, libp2p.Transport(libp2pwebtransport.New))
		listen = base + "/udp/0/quic-v1/webtransport"
		standalone = true
	case "webrtc-direct":
		opts = append(opts, libp2p.Transport(libp2pwebrtc.New))
		listen = base + "/udp/0/webrtc-direct"
		standalone = true
	default:
		return nil, "", fmt.Errorf("unsupported transport %q", c.transport)
	}

	if !standalone {
		switch c.security {
		case "noise":
			opts = append(opts, libp2p.Security(noise.ID, noise.New))
		case "tls":
			opts = append(opts, libp2p.Security(libp2ptls.ID, libp2ptls.New))
		default:
			return nil, "", fmt.Errorf("unsupported security %q", c.security)
		}
		switch c.muxer {
		case "yamux":
			opts = append(opts, libp2p.Muxer(yamux.ID, yamux.DefaultTransport))
		default:
			return nil, "", fmt.Errorf("unsupported muxer %q (go-libp2p v0.48 has only yamux)", c.muxer)
		}
	}
	opts = append(opts, libp2p.ListenAddrStrings(listen))
	return opts, listen, nil
}

func runPing() error {
	c, err := configFromEnv()
	if err != nil {
		return err
	}
	log.Printf("transport=%s security=%s muxer=%s is_dialer=%v ip=%s redis_addr=%s timeout=%s",
		c.transport, c.security, c.muxer, c.isDialer, c.ip, c.redisAddr, c.timeout)

	opts, listen, err := hostOptions(c)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()

	rdb := redis.NewClient(&redis.Options{Addr: c.redisAddr, DB: 0, DialTimeout: 5 * time.Second})
	defer rdb.Close()
	if err := waitForRedis(ctx, rdb); err != nil {
		return fmt.Errorf("redis at %s: %w", c.redisAddr, err)
	}

	h, err := libp2p.New(opts...)
	if err != nil {
		return fmt.Errorf("libp2p.New (listen %s): %w", listen, err)
	}
	defer h.Close()
	log.Printf("peer id %s, addresses %v", h.ID(), h.Addrs())

	if c.isDialer {
		return dial(ctx, c, h, rdb)
	}
	return listenAndWait(ctx, c, h, rdb)
}

func waitForRedis(ctx context.Context, rdb *redis.Client) error {
	var lastErr error
	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		err := rdb.Ping(pctx).Err()
		pcancel()
		if err == nil {
			return nil
		}
		if lastErr == nil || ctx.Err() == nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not reachable before the timeout: %v", lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// pickAddress chooses the address the listener publishes: with a loopback `ip`, the
// loopback listen address; otherwise the first non-loopback address (upstream behaviour).
// If there is no non-loopback address it falls back to the first one rather than crash.
func pickAddress(c pingConfig, addrs []ma.Multiaddr) (ma.Multiaddr, error) {
	if len(addrs) == 0 {
		return nil, errors.New("host has no listen addresses")
	}
	wantLoopback := net.ParseIP(c.ip).IsLoopback()
	for _, a := range addrs {
		if manet.IsIPLoopback(a) == wantLoopback {
			return a, nil
		}
	}
	log.Printf("no %s address among %v; publishing %s", map[bool]string{true: "loopback", false: "non-loopback"}[wantLoopback], addrs, addrs[0])
	return addrs[0], nil
}

func listenAndWait(ctx context.Context, c pingConfig, h host.Host, rdb *redis.Client) error {
	addr, err := pickAddress(c, h.Addrs())
	if err != nil {
		return err
	}
	p2p, err := ma.NewComponent("p2p", h.ID().String())
	if err != nil {
		return err
	}
	full := addr.Encapsulate(p2p.Multiaddr()).String()
	if err := rdb.RPush(ctx, listenerAddrKey, full).Err(); err != nil {
		return fmt.Errorf("RPUSH %s: %w", listenerAddrKey, err)
	}
	log.Printf("published %s; waiting up to %s", full, c.timeout)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sigs:
		log.Printf("got %s, exiting", s)
		return nil
	case <-ctx.Done():
		return fmt.Errorf("listener timed out after %s (expected to be stopped by the runner)", c.timeout)
	}
}

func dial(ctx context.Context, c pingConfig, h host.Host, rdb *redis.Client) error {
	// BLPOP takes whole seconds; 0 would block forever, so round up to at least 1.
	secs := time.Duration(int64((c.timeout + time.Second - 1) / time.Second))
	res, err := rdb.BLPop(ctx, secs*time.Second, listenerAddrKey).Result()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("BLPOP %s: no listener address within %s", listenerAddrKey, secs*time.Second)
	}
	if err != nil {
		return fmt.Errorf("BLPOP %s: %w", listenerAddrKey, err)
	}
	if len(res) != 2 {
		return fmt.Errorf("BLPOP %s: unexpected reply %q", listenerAddrKey, res)
	}
	target, err := ma.NewMultiaddr(res[1])
	if err != nil {
		return fmt.Errorf("listener address %q: %w", res[1], err)
	}
	info, err := peer.AddrInfoFromP2pAddr(target)
	if err != nil {
		return fmt.Errorf("listener address %q has no usable /p2p/<id>: %w", res[1], err)
	}
	log.Printf("dialing %s", target)

	start := time.Now()
	if err := h.Connect(ctx, *info); err != nil {
		return fmt.Errorf("connect %s: %w", target, err)
	}
	pctx, pcancel := context.WithCancel(ctx)
	defer pcancel()
	r, ok := <-ping.Ping(pctx, h, info.ID)
	if !ok {
		return errors.New("ping: no result")
	}
	if r.Error != nil {
		return fmt.Errorf("ping: %w", r.Error)
	}
	total := time.Since(start)
	pcancel()

	out, err := json.Marshal(struct {
		HandshakePlusOneRTTMillis float64 `json:"handshakePlusOneRTTMillis"`
		PingRTTMilllis            float64 `json:"pingRTTMilllis"`
	}{
		HandshakePlusOneRTTMillis: float64(total.Microseconds()) / 1000,
		PingRTTMilllis:            float64(r.RTT.Microseconds()) / 1000,
	})
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(os.Stdout, string(out)); err != nil {
		return err
	}
	if conns := h.Network().ConnsToPeer(info.ID); len(conns) > 0 {
		st := conns[0].ConnState()
		log.Printf("connected via %s security=%s muxer=%s", conns[0].RemoteMultiaddr(), st.Security, st.StreamMultiplexer)
	}
	return nil
}

// selfSignedTLSConfig makes a throwaway certificate for the wss listener. Dialers are
// expected not to verify it (go: InsecureSkipVerify, node: NODE_TLS_REJECT_UNAUTHORIZED=0).
func selfSignedTLSConfig(ip string) (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "go-peer interop"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	if p := net.ParseIP(ip); p != nil && !p.IsUnspecified() && !p.IsLoopback() {
		tmpl.IPAddresses = append(tmpl.IPAddresses, p)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, nil
}
