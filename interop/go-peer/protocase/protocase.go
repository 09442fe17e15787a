// Package protocase holds what the protocol table's go programs (../relay, ../identify-push)
// share: the contract's environment, Redis and the echo protocol (docs/INTEROP.md, "Protocol
// cases").
package protocase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/redis/go-redis/v9"
)

// Fail logs and exits: 0 success, 1 failure, 2 bad environment
func Fail(code int, format string, args ...any) {
	log.Printf(format, args...)
	os.Exit(code)
}

// PositiveEnv reads a positive integer from the environment, or exits 2 naming it
func PositiveEnv(name string) int64 {
	v, err := strconv.ParseInt(os.Getenv(name), 10, 64)
	if err != nil || v <= 0 {
		Fail(2, "%s must be a positive integer, got %q", name, os.Getenv(name))
	}
	return v
}

// Pop BLPOPs key within timeout
func Pop(ctx context.Context, rdb *redis.Client, key string, timeout time.Duration) (string, error) {
	res, err := rdb.BLPop(ctx, timeout, key).Result()
	if errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("BLPOP %s: nothing within %s", key, timeout)
	}
	if err != nil {
		return "", fmt.Errorf("BLPOP %s: %w", key, err)
	}
	return res[1], nil
}

// PopPeer BLPOPs a /…/p2p/<id> address and parses it
func PopPeer(ctx context.Context, rdb *redis.Client, key string, timeout time.Duration) (string, *peer.AddrInfo, error) {
	s, err := Pop(ctx, rdb, key, timeout)
	if err != nil {
		return "", nil, err
	}
	info, err := peer.AddrInfoFromString(s)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", key, s, err)
	}
	return s, info, nil
}

// ServeEcho echoes until the remote closes its write side, then closes ours; an error resets
func ServeEcho(s network.Stream) {
	defer s.Close()
	if _, err := io.Copy(s, s); err != nil {
		s.Reset()
		return
	}
	_ = s.CloseWrite()
}
