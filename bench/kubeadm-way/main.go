// kubeadm-way makes the PKI tree `kpki init` makes for 1 control-plane node + N workers, the way
// kubeadm does it: Go's standard library in one process (crypto/ecdsa or crypto/rsa,
// x509.CreateCertificate, encoding/pem, os.WriteFile), a fresh key per certificate, one sync at
// the end. A benchmark anchor for kpki, not a tool: it refuses an existing directory and has no
// recovery from a crash. See README.md.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"syscall"
)

type node struct {
	name         string
	address      net.IP
	controlPlane bool
}

type cluster struct {
	name         string
	endpointHost string // controlPlaneEndpoint's host (default: the control-plane node's address)
	endpointPort string
	serviceIP    net.IP // first address of serviceSubnet 10.96.0.0/12
	dnsDomain    string
	nodes        []node
}

func (c *cluster) endpointURL() string {
	return "https://" + net.JoinHostPort(c.endpointHost, c.endpointPort)
}

// benchCluster mirrors cluster_yaml() in kpki's cli/bench/cluster_bench.cpp: cp1 at 10.0.0.1,
// workers w0.. numbered from 10.1.0.1.
func benchCluster(workers int) *cluster {
	c := &cluster{name: "kubernetes", endpointPort: "6443", serviceIP: net.IPv4(10, 96, 0, 1), dnsDomain: "cluster.local"}
	c.nodes = append(c.nodes, node{"cp1", net.ParseIP("10.0.0.1"), true})
	for i := 0; i < workers; i++ {
		addr := fmt.Sprintf("10.%d.%d.%d", 1+i/62500, i/250%250, 1+i%250)
		c.nodes = append(c.nodes, node{fmt.Sprintf("w%d", i), net.ParseIP(addr), false})
	}
	c.endpointHost = c.nodes[0].address.String()
	return c
}

// kpkiConfig is the kpki ClusterPKI YAML for the same cluster (what `kpki bench --cluster`
// writes), so that `kpki init` can make the tree to compare with.
func (c *cluster) kpkiConfig(algorithm string) string {
	names := map[string]string{"ecdsa-p256": "ECDSA-P256", "rsa-2048": "RSA-2048"}
	out := "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nclusterName: " + c.name + "\n"
	out += "encryptionAlgorithm: " + names[algorithm] + "\nnodes:\n"
	for _, n := range c.nodes {
		role := "worker"
		if n.controlPlane {
			role = "control-plane"
		}
		out += fmt.Sprintf("  - {name: %s, address: %s, role: %s}\n", n.name, n.address, role)
	}
	return out
}

func main() {
	workers := flag.Int("workers", 3, "worker nodes beside the one control-plane node cp1")
	algorithm := flag.String("algorithm", "ecdsa-p256", "ecdsa-p256 or rsa-2048")
	dir := flag.String("dir", "", "output directory (must not exist)")
	config := flag.String("write-config", "", "also write kpki's cluster YAML for the same cluster to this file")
	rate := flag.Duration("key-rate", 0, "instead: make -algorithm keys on one goroutine this long and print keys/s")
	flag.Parse()
	if *rate > 0 {
		if err := keyRate(*algorithm, *rate); err != nil {
			fmt.Fprintln(os.Stderr, "kubeadm-way:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*workers, *algorithm, *dir, *config); err != nil {
		fmt.Fprintln(os.Stderr, "kubeadm-way:", err)
		os.Exit(1)
	}
}

func run(workers int, algorithm, dir, config string) error {
	if algorithm != "ecdsa-p256" && algorithm != "rsa-2048" {
		return fmt.Errorf("-algorithm: %q is neither ecdsa-p256 nor rsa-2048", algorithm)
	}
	if workers < 0 {
		return fmt.Errorf("-workers: %d is negative", workers)
	}
	c := benchCluster(workers)
	if config != "" {
		if err := os.WriteFile(config, []byte(c.kpkiConfig(algorithm)), 0o644); err != nil {
			return err
		}
	}
	if dir == "" {
		if config != "" {
			return nil // only the config was asked for
		}
		return fmt.Errorf("-dir: required")
	}
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("-dir: %s already exists", dir)
	}
	b := &builder{cluster: c, dir: dir, algorithm: algorithm}
	if err := b.cas(); err != nil {
		return err
	}
	for i, n := range c.nodes {
		if err := b.node(n, i == 0); err != nil {
			return err
		}
	}
	syscall.Sync() // one sync at the end: everything on disk before the run counts as done
	fmt.Printf("kubeadm-way: %d nodes, %d files in %s\n", len(c.nodes), b.files, dir)
	return nil
}
