// Command identify-push is go-libp2p v0.48 in the protocol table's identify-push case
// (interop/runner/protocols, docs/INTEROP.md "Protocol cases"), over TCP + Noise + Yamux on $ip.
//
// Roles (env role):
//
//	listener  listens, RPUSHes its address to listenerAddr; after BLPOP dialerReady and its own
//	          identify of the dialer it sets a stream handler for /interop/pushed/1.0.0 (an echo),
//	          which go's identify service pushes to connected peers (EvtLocalProtocolsUpdated)
//	dialer    BLPOPs listenerAddr, connects, waits for identify, checks the protocol is not listed
//	          yet, RPUSHes dialerReady, waits (EvtPeerProtocolsUpdated) for the listener's
//	          protocols to include it on the same connection, opens a stream with it; prints the
//	          result line
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
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/libp2p-ts/interop/go-peer/protocase"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	"github.com/redis/go-redis/v9"
)

const (
	pushedProtocol   = protocol.ID("/interop/pushed/1.0.0")
	identifyProtocol = protocol.ID("/ipfs/id/1.0.0")
	waitLimit        = 30 * time.Second
)

func main() {
	log.SetOutput(os.Stderr)
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	role := os.Getenv("role")
	log.SetPrefix(fmt.Sprintf("[go %s] ", role))
	ip := os.Getenv("ip")
	if ip == "" {
		ip = "127.0.0.1"
	}
	secs, err := strconv.Atoi(os.Getenv("test_timeout_seconds"))
	if err != nil || secs <= 0 {
		protocase.Fail(2, "test_timeout_seconds must be a positive integer, got %q", os.Getenv("test_timeout_seconds"))
	}
	timeout := time.Duration(secs) * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sigs; cancel() }()
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("redis_addr"), DialTimeout: 5 * time.Second})
	defer rdb.Close()

	opts := []libp2p.Option{
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.NoListenAddrs,
	}
	if role == "listener" {
		opts = append(opts, libp2p.ListenAddrStrings(fmt.Sprintf("/ip4/%s/tcp/0", ip)))
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		protocase.Fail(1, "new host: %v", err)
	}
	defer h.Close()
	switch role {
	case "listener":
		err = runListener(ctx, h, rdb, timeout)
	case "dialer":
		err = runDialer(ctx, h, rdb, timeout)
	default:
		protocase.Fail(2, "unknown role %q (listener, dialer)", role)
	}
	if err != nil {
		protocase.Fail(1, "%v", err)
	}
}

func lists(h host.Host, p peer.ID, proto protocol.ID) bool {
	ps, _ := h.Peerstore().GetProtocols(p)
	return slices.Contains(ps, proto)
}

// waitFor waits on the subscription's events until cond holds
func waitFor(ctx context.Context, sub event.Subscription, what string, cond func() bool) error {
	limit := time.After(waitLimit)
	for !cond() {
		select {
		case <-sub.Out():
		case <-limit:
			return fmt.Errorf("%s: not within %s", what, waitLimit)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func runListener(ctx context.Context, h host.Host, rdb *redis.Client, timeout time.Duration) error {
	addr := fmt.Sprintf("%s/p2p/%s", h.Addrs()[0], h.ID())
	if err := rdb.RPush(ctx, "listenerAddr", addr).Err(); err != nil {
		return err
	}
	sub, err := h.EventBus().Subscribe(new(event.EvtPeerIdentificationCompleted))
	if err != nil {
		return err
	}
	defer sub.Close()
	if _, err := protocase.Pop(ctx, rdb, "dialerReady", timeout); err != nil {
		return err
	}
	// a push goes to the peers this host knows to take one: wait for its own identify of the dialer
	peers := h.Network().Peers()
	if len(peers) == 0 {
		return errors.New("the dialer is not connected")
	}
	if err := waitFor(ctx, sub, "identify of the dialer", func() bool { return lists(h, peers[0], identifyProtocol) }); err != nil {
		return err
	}
	h.SetStreamHandler(pushedProtocol, protocase.ServeEcho)
	log.Printf("now serving %s", pushedProtocol)
	<-ctx.Done()
	return nil
}

func runDialer(ctx context.Context, h host.Host, rdb *redis.Client, timeout time.Duration) error {
	target, err := protocase.Pop(ctx, rdb, "listenerAddr", timeout)
	if err != nil {
		return err
	}
	info, err := peer.AddrInfoFromString(target)
	if err != nil {
		return fmt.Errorf("listener address %s: %w", target, err)
	}
	sub, err := h.EventBus().Subscribe([]any{new(event.EvtPeerIdentificationCompleted), new(event.EvtPeerProtocolsUpdated)})
	if err != nil {
		return err
	}
	defer sub.Close()
	if err := h.Connect(ctx, *info); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	first := h.Network().ConnsToPeer(info.ID)[0]
	if err := waitFor(ctx, sub, "identify", func() bool { return lists(h, info.ID, identifyProtocol) }); err != nil {
		return err
	}
	if lists(h, info.ID, pushedProtocol) {
		return fmt.Errorf("%s listed before the listener served it", pushedProtocol)
	}
	if err := rdb.RPush(ctx, "dialerReady", "1").Err(); err != nil {
		return err
	}
	t0 := time.Now()
	if err := waitFor(ctx, sub, string(pushedProtocol)+" pushed", func() bool { return lists(h, info.ID, pushedProtocol) }); err != nil {
		ps, _ := h.Peerstore().GetProtocols(info.ID)
		log.Printf("the listener's protocols: %v", ps)
		return err
	}
	push := time.Since(t0)
	conns := h.Network().ConnsToPeer(info.ID)
	if len(conns) != 1 || conns[0].ID() != first.ID() {
		return fmt.Errorf("the first connection did not carry the push: %d connection(s) now", len(conns))
	}
	sctx, scancel := context.WithTimeout(ctx, waitLimit)
	defer scancel()
	s, err := h.NewStream(sctx, info.ID, pushedProtocol)
	if err != nil {
		return fmt.Errorf("a stream on %s: %w", pushedProtocol, err)
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(waitLimit))
	if _, err := s.Write([]byte("pushed")); err != nil {
		return fmt.Errorf("a stream on %s: %w", pushedProtocol, err)
	}
	_ = s.CloseWrite()
	back, err := io.ReadAll(s)
	if err != nil || string(back) != "pushed" {
		return fmt.Errorf("a stream on %s: %q echoed (%v)", pushedProtocol, back, err)
	}
	log.Printf("%s seen %s after the listener was told to serve it; stream ok", pushedProtocol, push)
	out, _ := json.Marshal(map[string]any{"pushMillis": float64(push.Microseconds()) / 1000, "sameConnection": true})
	fmt.Println(string(out))
	return nil
}
