// Command go-dht-peer is a go-libp2p-kad-dht node for the mixed-network DHT interop test
// (interop/test/dht-mixed.spec.mjs). It is its own Go module so that the ping/perf peer one
// directory up keeps its go-libp2p version: go-libp2p-kad-dht v0.42.2 requires a newer go-libp2p.
//
// It listens on 127.0.0.1 TCP with Noise and Yamux and runs the DHT in server mode (client mode
// with -client: it then holds no records of others, so its lookups get answers off the wire) under the
// default /ipfs prefix, with go's default validators: go-libp2p-kad-dht refuses any namespace but
// pk and ipns under /ipfs ("protocol prefix /ipfs must have exactly two namespaced validators"),
// so the test's records are /pk/ records. It prints one JSON line {"event":"ready",...} on
// stdout, then answers JSON-line requests read from stdin, e.g.
// {"id":1,"cmd":"put","key":"<hex>","value":"<hex>"} -> {"id":1,"ok":true,"result":{...}} or
// {"id":1,"ok":false,"error":{"message":...}}. Record keys and values are hex, being binary.
// Requests run concurrently. Logs go to stderr.
package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
)

// request is one stdin line. Fields a command does not use are ignored.
type request struct {
	ID        int    `json:"id"`
	Cmd       string `json:"cmd"`
	Key       string `json:"key"`   // hex
	Value     string `json:"value"` // hex
	Cid       string `json:"cid"`
	Peer      string `json:"peer"`
	Target    string `json:"target"`
	TimeoutMs int    `json:"timeoutMs"`
}

var stdoutMu sync.Mutex

func emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		log.Printf("marshal: %v", err)
		return
	}
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	os.Stdout.Write(append(b, '\n'))
}

func main() {
	log.SetOutput(os.Stderr)
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetPrefix("[go-dht-peer] ")

	listen := flag.String("listen", "/ip4/127.0.0.1/tcp/0", "listen multiaddr")
	client := flag.Bool("client", false, "client mode: query the DHT without serving it")
	flag.Parse()

	mode := dht.ModeServer
	if *client {
		mode = dht.ModeClient
	}
	if err := run(*listen, mode); err != nil {
		log.Printf("error: %v", err)
		os.Exit(1)
	}
}

func run(listen string, mode dht.ModeOpt) error {
	h, err := libp2p.New(
		libp2p.ListenAddrStrings(listen),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
	)
	if err != nil {
		return err
	}
	defer h.Close()

	// dht.New's defaults already keep loopback peers (its private/public filters are only
	// installed by the dual DHT); the address filter is left nil for the same reason.
	d, err := dht.New(h,
		dht.Mode(mode),
		dht.ProtocolPrefix("/ipfs"),
	)
	if err != nil {
		return err
	}
	defer d.Close()

	addrs := []string{}
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String()+"/p2p/"+h.ID().String())
	}
	emit(map[string]any{"event": "ready", "peerId": h.ID().String(), "multiaddrs": addrs, "pid": os.Getpid()})

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	lines := make(chan []byte)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
		close(lines)
	}()

	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			var req request
			if err := json.Unmarshal(line, &req); err != nil {
				emit(map[string]any{"ok": false, "error": map[string]string{"message": "bad request: " + err.Error()}})
				continue
			}
			if req.Cmd == "stop" {
				emit(map[string]any{"id": req.ID, "ok": true, "result": map[string]any{}})
				return nil
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				timeout := 60 * time.Second
				if req.TimeoutMs > 0 {
					timeout = time.Duration(req.TimeoutMs) * time.Millisecond
				}
				rctx, cancel := context.WithTimeout(ctx, timeout)
				defer cancel()
				res, err := handle(rctx, h, d, req)
				if err != nil {
					emit(map[string]any{"id": req.ID, "ok": false, "error": map[string]string{"message": err.Error()}})
					return
				}
				emit(map[string]any{"id": req.ID, "ok": true, "result": res})
			}()
		}
	}
}

func handle(ctx context.Context, h host.Host, d *dht.IpfsDHT, req request) (map[string]any, error) {
	switch req.Cmd {
	case "connect":
		ai, err := peer.AddrInfoFromString(req.Target)
		if err != nil {
			return nil, err
		}
		if err := h.Connect(ctx, *ai); err != nil {
			return nil, err
		}
		return map[string]any{"peer": ai.ID.String()}, nil
	case "disconnect":
		p, err := peer.Decode(req.Peer)
		if err != nil {
			return nil, err
		}
		return map[string]any{}, h.Network().ClosePeer(p)
	case "routingTable":
		peers := []string{}
		for _, p := range d.RoutingTable().ListPeers() {
			peers = append(peers, p.String())
		}
		return map[string]any{"size": len(peers), "peers": peers}, nil
	case "refresh":
		// Waits for the refresh (self lookup and stale buckets) to end.
		if err := <-d.RefreshRoutingTable(); err != nil {
			return nil, err
		}
		return map[string]any{"size": d.RoutingTable().Size()}, nil
	case "put":
		key, err := hex.DecodeString(req.Key)
		if err != nil {
			return nil, err
		}
		value, err := hex.DecodeString(req.Value)
		if err != nil {
			return nil, err
		}
		if err := d.PutValue(ctx, string(key), value); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	case "get":
		key, err := hex.DecodeString(req.Key)
		if err != nil {
			return nil, err
		}
		v, err := d.GetValue(ctx, string(key))
		if err != nil {
			return nil, err
		}
		return map[string]any{"value": hex.EncodeToString(v)}, nil
	case "provide":
		c, err := cid.Decode(req.Cid)
		if err != nil {
			return nil, err
		}
		if err := d.Provide(ctx, c, true); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	case "findProviders":
		c, err := cid.Decode(req.Cid)
		if err != nil {
			return nil, err
		}
		want, err := optionalPeer(req.Peer)
		if err != nil {
			return nil, err
		}
		// Streams providers until the wanted one shows up (or the lookup ends).
		found := []map[string]any{}
		for ai := range d.FindProvidersAsync(ctx, c, 0) {
			found = append(found, addrInfoJSON(ai))
			if ai.ID == want {
				break
			}
		}
		return map[string]any{"providers": found}, nil
	case "findPeer":
		p, err := peer.Decode(req.Peer)
		if err != nil {
			return nil, err
		}
		ai, err := d.FindPeer(ctx, p)
		if err != nil {
			return nil, err
		}
		return addrInfoJSON(ai), nil
	default:
		return nil, fmt.Errorf("unknown command %q", req.Cmd)
	}
}

func optionalPeer(s string) (peer.ID, error) {
	if s == "" {
		return "", nil
	}
	p, err := peer.Decode(s)
	if err != nil {
		return "", errors.New("bad peer: " + err.Error())
	}
	return p, nil
}

func addrInfoJSON(ai peer.AddrInfo) map[string]any {
	addrs := []string{}
	for _, a := range ai.Addrs {
		addrs = append(addrs, a.String())
	}
	return map[string]any{"id": ai.ID.String(), "multiaddrs": addrs}
}
