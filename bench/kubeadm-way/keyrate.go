package main

import (
	"fmt"
	"syscall"
	"time"
)

func cpuSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}

// keyRate makes keys of the algorithm the way the tree does (newPrivateKey) on one goroutine for
// at least d and prints how many a second, of wall time and of CPU time (what one core makes when
// the machine is shared): key generation is most of an RSA tree, and this is Go's figure beside
// OpenSSL's and Botan's (bench/keygen_rate.cpp).
func keyRate(algorithm string, d time.Duration) error {
	start, cpu := time.Now(), cpuSeconds()
	n := 0
	for time.Since(start) < d || n == 0 {
		if _, err := newPrivateKey(algorithm); err != nil {
			return err
		}
		n++
	}
	wall, used := time.Since(start).Seconds(), cpuSeconds()-cpu
	fmt.Printf("go %s: %d keys, %.2f s wall, %.2f s CPU: %.1f keys/s wall, %.1f keys per CPU second\n",
		algorithm, n, wall, used, float64(n)/wall, float64(n)/used)
	return nil
}
