package main

// The perf contract (libp2p test-plans perf, specs/perf/perf.md). go-libp2p v0.48 ships no
// perf protocol package, so /perf/1.0.0 is written here:
//   client: open stream, write the wanted download size as a big-endian u64, upload N bytes,
//           close the write side, read to EOF (must be the wanted size);
//   server: read the u64, read to EOF, then (not concurrently) send that many bytes, close.

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

const (
	perfProtocol  = "/perf/1.0.0"
	perfBlockSize = 64 << 10
)

type perfResult struct {
	Type          string  `json:"type"`
	TimeSeconds   float64 `json:"timeSeconds"`
	UploadBytes   uint64  `json:"uploadBytes"`
	DownloadBytes uint64  `json:"downloadBytes"`
}

func printResult(r perfResult) {
	b, err := json.Marshal(r)
	if err != nil {
		log.Fatalf("marshal: %v", err)
	}
	fmt.Fprintln(os.Stdout, string(b))
}

// perfServerKey is the fixed server identity: Ed25519 from an all-zero 32-byte seed, as the
// upstream go perf server uses, so clients know its PeerId in advance.
func perfServerKey() (crypto.PrivKey, error) {
	return crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))
}

func runPerf(args []string) error {
	fs := flag.NewFlagSet("perf", flag.ContinueOnError)
	runServer := fs.Bool("run-server", false, "run the perf server (never exits)")
	serverAddr := fs.String("server-address", "", "ip:port to listen on (server) or dial (client); the client also takes a multiaddr with /p2p/<id>")
	transport := fs.String("transport", "tcp", "client transport: tcp or quic-v1")
	uploadBytes := fs.Uint64("upload-bytes", 0, "bytes the client uploads")
	downloadBytes := fs.Uint64("download-bytes", 0, "bytes the client asks the server to send back")
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *serverAddr == "" {
		return errors.New("--server-address is required")
	}
	if *runServer {
		return perfServer(*serverAddr)
	}
	return perfClient(*serverAddr, *transport, *uploadBytes, *downloadBytes)
}

func hostPortMultiaddrs(hostPort string) (tcpAddr, quicAddr string, err error) {
	h, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		return "", "", err
	}
	ip := net.ParseIP(h)
	if ip == nil {
		return "", "", fmt.Errorf("%q is not an IP address", h)
	}
	proto := "ip4"
	if ip.To4() == nil {
		proto = "ip6"
	}
	return fmt.Sprintf("/%s/%s/tcp/%s", proto, h, port), fmt.Sprintf("/%s/%s/udp/%s/quic-v1", proto, h, port), nil
}

func perfServer(serverAddr string) error {
	tcpAddr, quicAddr, err := hostPortMultiaddrs(serverAddr)
	if err != nil {
		return err
	}
	key, err := perfServerKey()
	if err != nil {
		return err
	}
	h, err := libp2p.New(libp2p.Identity(key), libp2p.ListenAddrStrings(tcpAddr, quicAddr))
	if err != nil {
		return err
	}
	defer h.Close()
	h.SetStreamHandler(perfProtocol, perfHandler)
	for _, a := range h.Addrs() {
		fmt.Fprintf(os.Stdout, "%s/p2p/%s\n", a, h.ID())
	}
	log.Printf("perf server %s listening on %v", h.ID(), h.Addrs())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	s := <-sigs
	log.Printf("got %s, exiting", s)
	return nil
}

func perfHandler(s network.Stream) {
	defer s.Close()
	var hdr [8]byte
	if _, err := io.ReadFull(s, hdr[:]); err != nil {
		log.Printf("perf: read size: %v", err)
		s.Reset()
		return
	}
	toSend := binary.BigEndian.Uint64(hdr[:])
	received, err := io.Copy(io.Discard, s)
	if err != nil {
		log.Printf("perf: read upload after %d bytes: %v", received, err)
		s.Reset()
		return
	}
	if err := sendZeros(s, toSend, nil); err != nil {
		log.Printf("perf: send %d bytes: %v", toSend, err)
		s.Reset()
		return
	}
	if err := s.CloseWrite(); err != nil {
		log.Printf("perf: close write: %v", err)
	}
}

// reporter prints an intermediary line at most once a second for the bytes moved since the
// previous line.
type reporter struct {
	last     time.Time
	up, down uint64
}

func (r *reporter) add(up, down uint64) {
	r.up += up
	r.down += down
	now := time.Now()
	if d := now.Sub(r.last); d >= time.Second {
		printResult(perfResult{Type: "intermediary", TimeSeconds: d.Seconds(), UploadBytes: r.up, DownloadBytes: r.down})
		r.last, r.up, r.down = now, 0, 0
	}
}

func sendZeros(w io.Writer, n uint64, rep *reporter) error {
	buf := make([]byte, perfBlockSize)
	for n > 0 {
		chunk := buf
		if n < uint64(len(chunk)) {
			chunk = chunk[:n]
		}
		k, err := w.Write(chunk)
		n -= uint64(k)
		if rep != nil {
			rep.add(uint64(k), 0)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func perfTarget(serverAddr, transport string) (*peer.AddrInfo, error) {
	if strings.HasPrefix(serverAddr, "/") {
		m, err := ma.NewMultiaddr(serverAddr)
		if err != nil {
			return nil, err
		}
		return peer.AddrInfoFromP2pAddr(m)
	}
	tcpAddr, quicAddr, err := hostPortMultiaddrs(serverAddr)
	if err != nil {
		return nil, err
	}
	var addr string
	switch transport {
	case "tcp":
		addr = tcpAddr
	case "quic-v1":
		addr = quicAddr
	default:
		return nil, fmt.Errorf("unsupported transport %q (tcp or quic-v1)", transport)
	}
	key, err := perfServerKey()
	if err != nil {
		return nil, err
	}
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return nil, err
	}
	m, err := ma.NewMultiaddr(addr)
	if err != nil {
		return nil, err
	}
	return &peer.AddrInfo{ID: id, Addrs: []ma.Multiaddr{m}}, nil
}

func perfClient(serverAddr, transport string, upload, download uint64) error {
	target, err := perfTarget(serverAddr, transport)
	if err != nil {
		return err
	}
	h, err := libp2p.New(libp2p.NoListenAddrs)
	if err != nil {
		return err
	}
	defer h.Close()

	ctx := context.Background()
	start := time.Now()
	if err := h.Connect(ctx, *target); err != nil {
		return fmt.Errorf("connect %v: %w", target, err)
	}
	log.Printf("connected to %s in %s", target, time.Since(start))
	if err := runPerfStream(ctx, h, target.ID, upload, download); err != nil {
		return err
	}
	printResult(perfResult{Type: "final", TimeSeconds: time.Since(start).Seconds(), UploadBytes: upload, DownloadBytes: download})
	return nil
}

func runPerfStream(ctx context.Context, h host.Host, p peer.ID, upload, download uint64) error {
	s, err := h.NewStream(ctx, p, perfProtocol)
	if err != nil {
		return fmt.Errorf("open %s: %w", perfProtocol, err)
	}
	defer s.Close()
	var hdr [8]byte
	binary.BigEndian.PutUint64(hdr[:], download)
	if _, err := s.Write(hdr[:]); err != nil {
		return err
	}
	rep := &reporter{last: time.Now()}
	if err := sendZeros(s, upload, rep); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	if err := s.CloseWrite(); err != nil {
		return fmt.Errorf("close write: %w", err)
	}
	buf := make([]byte, perfBlockSize)
	var got uint64
	for {
		n, err := s.Read(buf)
		got += uint64(n)
		rep.add(0, uint64(n))
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("download after %d bytes: %w", got, err)
		}
	}
	if got != download {
		return fmt.Errorf("downloaded %d bytes, asked for %d", got, download)
	}
	return nil
}
