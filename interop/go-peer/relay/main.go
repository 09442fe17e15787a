// Command relay is go-libp2p v0.48 in the protocol table's relay case (interop/runner/protocols,
// docs/INTEROP.md "Protocol cases"), over TCP + Noise + Yamux on $ip.
//
// Roles (env role):
//
//	relay     circuit v2 relay (p2p/protocol/circuitv2/relay) with ReservationTTL =
//	          $relay_reservation_ttl_seconds and Limit.Data = $relay_data_limit_bytes; RPUSHes its
//	          address to relayAddr; its reservations carry its loopback addresses too
//	listener  BLPOPs relayAddr, reserves with client.Reserve and reserves again at half the time
//	          left (go's client leaves refreshing to its caller), serves /echo/1.0.0, RPUSHes
//	          <relay>/p2p-circuit/p2p/<self> to listenerAddr
//	dialer    BLPOPs listenerAddr, waits until the first reservation has expired, connects through
//	          the relay (a limited connection), echoes a quarter of the data limit, then sends four
//	          times the limit and expects the relay to cut it; prints the result line
//
// stdout carries only the result; logs go to stderr. Exit 0 success, 1 failure, 2 bad environment.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/libp2p-ts/interop/go-peer/protocase"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/redis/go-redis/v9"
)

const (
	echoProtocol = protocol.ID("/echo/1.0.0")
	chunkBytes   = 16 * 1024
	// past the first reservation's expiry (whole seconds on the wire) before dialling
	expiryMargin = 2 * time.Second
	// the over-limit transfer must be cut or finish within this
	overLimitWait = 30 * time.Second
)

type config struct {
	role, ip, redisAddr string
	timeout             time.Duration
	ttl                 time.Duration
	dataLimit           int64
}

func main() {
	log.SetOutput(os.Stderr)
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	c := config{role: os.Getenv("role"), ip: os.Getenv("ip"), redisAddr: os.Getenv("redis_addr")}
	log.SetPrefix(fmt.Sprintf("[go %s] ", c.role))
	if c.ip == "" {
		c.ip = "127.0.0.1"
	}
	c.timeout = time.Duration(protocase.PositiveEnv("test_timeout_seconds")) * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sigs; cancel() }()

	rdb := redis.NewClient(&redis.Options{Addr: c.redisAddr, DialTimeout: 5 * time.Second})
	defer rdb.Close()

	var err error
	switch c.role {
	case "relay":
		c.ttl = time.Duration(protocase.PositiveEnv("relay_reservation_ttl_seconds")) * time.Second
		c.dataLimit = protocase.PositiveEnv("relay_data_limit_bytes")
		err = runRelay(ctx, c, rdb)
	case "listener":
		err = runListener(ctx, c, rdb)
	case "dialer":
		c.ttl = time.Duration(protocase.PositiveEnv("relay_reservation_ttl_seconds")) * time.Second
		c.dataLimit = protocase.PositiveEnv("relay_data_limit_bytes")
		err = runDialer(ctx, c, rdb)
	default:
		protocase.Fail(2, "unknown role %q (relay, listener, dialer)", c.role)
	}
	if err != nil {
		protocase.Fail(1, "%v", err)
	}
}

func newHost(c config, listen bool) (host.Host, error) {
	opts := []libp2p.Option{
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.EnableRelay(),
	}
	if listen {
		opts = append(opts, libp2p.ListenAddrStrings(fmt.Sprintf("/ip4/%s/tcp/0", c.ip)))
	} else {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	return libp2p.New(opts...)
}

func runRelay(ctx context.Context, c config, rdb *redis.Client) error {
	h, err := newHost(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	rc := relayv2.DefaultResources()
	rc.ReservationTTL = c.ttl
	rc.Limit = &relayv2.RelayLimit{Duration: 2 * time.Minute, Data: c.dataLimit}
	// go's relay puts only public addresses in a reservation by default; on loopback that leaves
	// none, and rust's client refuses a reservation without addresses (NoAddressesInReservation)
	allAddrs := relayv2.WithReservationAddressFilter(func(ma.Multiaddr) bool { return true })
	r, err := relayv2.New(h, relayv2.WithResources(rc), allAddrs)
	if err != nil {
		return fmt.Errorf("relay service: %w", err)
	}
	defer r.Close()
	addr := fmt.Sprintf("%s/p2p/%s", h.Addrs()[0], h.ID())
	log.Printf("relay on %s (reservation TTL %s, data limit %d B)", addr, c.ttl, c.dataLimit)
	if err := rdb.RPush(ctx, "relayAddr", addr).Err(); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

func runListener(ctx context.Context, c config, rdb *redis.Client) error {
	relayAddr, relayInfo, err := protocase.PopPeer(ctx, rdb, "relayAddr", c.timeout)
	if err != nil {
		return err
	}
	h, err := newHost(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	h.SetStreamHandler(echoProtocol, protocase.ServeEcho)
	if err := h.Connect(ctx, *relayInfo); err != nil {
		return fmt.Errorf("connect to the relay: %w", err)
	}
	rsvp, err := client.Reserve(ctx, h, *relayInfo)
	if err != nil {
		return fmt.Errorf("reserve: %w", err)
	}
	circuit := fmt.Sprintf("%s/p2p-circuit/p2p/%s", relayAddr, h.ID())
	log.Printf("reserved until %s: %s", rsvp.Expiration.Format(time.TimeOnly), circuit)
	if err := rdb.RPush(ctx, "listenerAddr", circuit).Err(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Until(rsvp.Expiration) / 2):
		}
		next, err := client.Reserve(ctx, h, *relayInfo)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("refresh the reservation: %w", err)
		}
		rsvp = next
		log.Printf("refreshed until %s", rsvp.Expiration.Format(time.TimeOnly))
	}
}

type echoResult struct {
	received int
	ended    string // complete, cut or timeout
	err      error
}

// echo sends n bytes on a new echo stream while reading the echo back
func echo(ctx context.Context, h host.Host, p peer.ID, n int, wait time.Duration) echoResult {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	s, err := h.NewStream(network.WithAllowLimitedConn(ctx, "relay-case"), p, echoProtocol)
	if err != nil {
		return echoResult{ended: "cut", err: err}
	}
	defer s.Close()
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	writeErr := make(chan error, 1)
	go func() {
		buf := make([]byte, chunkBytes)
		for i := range buf {
			buf[i] = byte(i * 7)
		}
		for sent := 0; sent < n; sent += chunkBytes {
			if _, err := s.Write(buf[:min(chunkBytes, n-sent)]); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- s.CloseWrite()
	}()
	received, readErr := io.Copy(io.Discard, s)
	werr := <-writeErr
	r := echoResult{received: int(received), err: errors.Join(readErr, werr)}
	switch {
	case ctx.Err() != nil:
		r.ended = "timeout"
	case r.received == n && r.err == nil:
		r.ended = "complete"
	default:
		r.ended = "cut"
	}
	return r
}

func runDialer(ctx context.Context, c config, rdb *redis.Client) error {
	target, info, err := protocase.PopPeer(ctx, rdb, "listenerAddr", c.timeout)
	if err != nil {
		return err
	}
	// the reservation the listener announced expires ttl after it was granted; a dial after
	// that reaches the listener only if it refreshed its reservation
	refreshWait := c.ttl + expiryMargin
	log.Printf("listener at %s; dialling in %s, after its first reservation expired", target, refreshWait)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(refreshWait):
	}
	h, err := newHost(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	t0 := time.Now()
	if err := h.Connect(network.WithAllowLimitedConn(ctx, "relay-case"), *info); err != nil {
		return fmt.Errorf("dial through the relay: %w", err)
	}
	connect := time.Since(t0)
	conns := h.Network().ConnsToPeer(info.ID)
	if len(conns) == 0 || !conns[0].Stat().Limited {
		return fmt.Errorf("the connection to %s is not a limited (relayed) one", info.ID)
	}
	small := int(c.dataLimit / 4)
	t1 := time.Now()
	r := echo(ctx, h, info.ID, small, 30*time.Second)
	echoTime := time.Since(t1)
	if r.ended != "complete" {
		return fmt.Errorf("echo of %d B through the relay did not complete: %d B back (%s, %v)", small, r.received, r.ended, r.err)
	}
	log.Printf("connected through the relay in %s (%s); echo ok", connect, conns[0].RemoteMultiaddr())
	over := int(c.dataLimit * 4)
	o := echo(ctx, h, info.ID, over, overLimitWait)
	log.Printf("over-limit transfer of %d B: %s after %d B echoed (%v)", over, o.ended, o.received, o.err)
	switch o.ended {
	case "complete":
		return fmt.Errorf("the relay let %d B through both ways, over its %d B data limit", over, c.dataLimit)
	case "timeout":
		return fmt.Errorf("the over-limit transfer was neither cut nor completed within %s (%d B echoed)", overLimitWait, o.received)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	out, _ := json.Marshal(map[string]any{
		"refreshWaitMillis":  refreshWait.Milliseconds(),
		"connectMillis":      ms(connect),
		"echoMillis":         ms(echoTime),
		"echoBytes":          small,
		"limitCutAfterBytes": o.received,
		"overLimitBytes":     over,
	})
	fmt.Println(string(out))
	return nil
}
