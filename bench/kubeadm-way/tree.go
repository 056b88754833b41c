package main

// The tree: kpki init's layout (OUT/pki for the cluster-wide CAs and service-account key,
// OUT/nodes/NAME for what each node gets), filled the way kubeadm fills /etc/kubernetes.

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

var (
	serverAuth = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	clientAuth = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	peerAuth   = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
)

// kubeletTLSConfig is kpki's KubeletConfiguration fragment (kubelet/config-tls.yaml), byte for
// byte: kubeadm has no such file (it writes the whole config.yaml), kept so the trees match.
const kubeletTLSConfig = "# kpki: merge into the kubelet's KubeletConfiguration (or pass with --config-dir).\n" +
	"apiVersion: kubelet.config.k8s.io/v1beta1\n" +
	"kind: KubeletConfiguration\n" +
	"tlsCertFile: /etc/kubernetes/kubelet/kubelet.crt\n" +
	"tlsPrivateKeyFile: /etc/kubernetes/kubelet/kubelet.key\n" +
	"authentication:\n" +
	"  x509:\n" +
	"    clientCAFile: /etc/kubernetes/pki/ca.crt\n"

type builder struct {
	cluster   *cluster
	dir       string
	algorithm string
	kube      *ca // "ca": kubernetes
	etcd      *ca // "etcd-ca"
	proxy     *ca // "front-proxy-ca"
	caKeys    map[*ca][]byte
	saKey     []byte
	saPub     []byte
	files     int
}

// writeFile is certutil.WriteCert / keyutil.WriteKey / clientcmd.WriteToFile: the directory
// made (0755) before every write, then os.WriteFile. No fsync: one sync(2) ends the run.
func (b *builder) writeFile(rel string, data []byte, mode os.FileMode) error {
	path := filepath.Join(b.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b.files++
	return os.WriteFile(path, data, mode)
}

// writeCertAndKey is pkiutil.WriteCertAndKey: the key (0600), then the certificate (0644).
func (b *builder) writeCertAndKey(base string, cert *x509.Certificate, keyPEM []byte) error {
	if err := b.writeFile(base+".key", keyPEM, 0o600); err != nil {
		return err
	}
	return b.writeFile(base+".crt", encodeCertPEM(cert), 0o644)
}

// cas makes the three CAs and the service-account key pair (certs.CreatePKIAssets,
// certs.CreateServiceAccountKeyAndPublicKeyFiles) under OUT/pki.
func (b *builder) cas() error {
	b.caKeys = map[*ca][]byte{}
	for _, c := range []struct {
		slot *(*ca)
		cn   string
		base string
	}{{&b.kube, "kubernetes", "pki/ca"}, {&b.etcd, "etcd-ca", "pki/etcd/ca"}, {&b.proxy, "front-proxy-ca", "pki/front-proxy-ca"}} {
		made, err := newCA(c.cn, b.algorithm)
		if err != nil {
			return fmt.Errorf("%s: %w", c.cn, err)
		}
		keyPEM, err := marshalPrivateKeyToPEM(made.key)
		if err != nil {
			return err
		}
		*c.slot = made
		b.caKeys[made] = keyPEM
		if err := b.writeCertAndKey(c.base, made.cert, keyPEM); err != nil {
			return err
		}
	}
	key, err := newPrivateKey(b.algorithm)
	if err != nil {
		return err
	}
	if b.saKey, err = marshalPrivateKeyToPEM(key); err != nil {
		return err
	}
	if b.saPub, err = encodePublicKeyPEM(key.Public()); err != nil {
		return err
	}
	// kpki keeps only sa.key at the top of the tree; the pair lands on control-plane nodes.
	return b.writeFile("pki/sa.key", b.saKey, 0o600)
}

// node writes one node's directory: the copies of cluster-wide files it needs, then its leaves.
func (b *builder) node(n node, first bool) error {
	dir := filepath.Join("nodes", n.name)
	w := func(rel string, data []byte, mode os.FileMode) error {
		return b.writeFile(filepath.Join(dir, rel), data, mode)
	}
	if err := w("pki/ca.crt", b.kube.pem, 0o644); err != nil {
		return err
	}
	if err := w("kubelet/config-tls.yaml", []byte(kubeletTLSConfig), 0o644); err != nil {
		return err
	}
	if n.controlPlane {
		copies := []struct {
			rel  string
			data []byte
			mode os.FileMode
		}{
			{"pki/etcd/ca.crt", b.etcd.pem, 0o644}, {"pki/front-proxy-ca.crt", b.proxy.pem, 0o644},
			{"pki/ca.key", b.caKeys[b.kube], 0o600}, {"pki/etcd/ca.key", b.caKeys[b.etcd], 0o600},
			{"pki/front-proxy-ca.key", b.caKeys[b.proxy], 0o600},
			// kubeadm writes sa.pub with keyutil.WriteKey (0600); kpki's is 0644, kept as kpki's.
			{"pki/sa.key", b.saKey, 0o600}, {"pki/sa.pub", b.saPub, 0o644},
		}
		for _, c := range copies {
			if err := w(c.rel, c.data, c.mode); err != nil {
				return err
			}
		}
	}
	for _, leaf := range b.leaves(n, first) {
		cert, key, err := newCertAndKey(leaf.issuer, leaf.id, b.algorithm)
		if err != nil {
			return fmt.Errorf("%s/%s: %w", n.name, leaf.path, err)
		}
		keyPEM, err := marshalPrivateKeyToPEM(key)
		if err != nil {
			return err
		}
		if leaf.server == "" {
			if err := b.writeCertAndKey(filepath.Join(dir, leaf.path), cert, keyPEM); err != nil {
				return err
			}
			continue
		}
		kc := kubeconfig{leaf.server, b.cluster.name, leaf.id.commonName, leaf.issuer.pem, encodeCertPEM(cert), keyPEM}
		// clientcmd.WriteToFile writes kubeconfigs 0600.
		if err := w(leaf.path, kc.render(), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// leaf is one certificate of a node: a cert/key pair at path(.crt|.key), or a kubeconfig at
// path when server is set.
type leaf struct {
	path   string
	issuer *ca
	id     identity
	server string
}

// leaves lists a node's certificates: kubeadm's certlist.go (GetDefaultCertList) and
// kubeconfig.go (getKubeConfigSpecs) for a control-plane node, plus what kpki gives every node
// (a kubelet serving certificate, kubelet.conf and kube-proxy.conf with client certificates).
func (b *builder) leaves(n node, first bool) []leaf {
	c := b.cluster
	nodeIPs := []net.IP{n.address}
	endpoint := c.endpointURL()
	var out []leaf
	if n.controlPlane {
		apiDNS := []string{n.name, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc." + c.dnsDomain}
		apiIPs := []net.IP{c.serviceIP, n.address}
		if ip := net.ParseIP(c.endpointHost); ip != nil {
			apiIPs = append(apiIPs, ip)
		} else {
			apiDNS = append(apiDNS, c.endpointHost)
		}
		etcdDNS := []string{n.name, "localhost"}
		etcdIPs := []net.IP{n.address, net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		out = append(out,
			leaf{"pki/apiserver", b.kube, identity{"kube-apiserver", nil, apiDNS, apiIPs, serverAuth}, ""},
			leaf{"pki/apiserver-etcd-client", b.etcd, identity{"kube-apiserver-etcd-client", nil, nil, nil, clientAuth}, ""},
			leaf{"pki/apiserver-kubelet-client", b.kube, identity{"kube-apiserver-kubelet-client", nil, nil, nil, clientAuth}, ""},
			leaf{"pki/etcd/healthcheck-client", b.etcd, identity{"kube-etcd-healthcheck-client", nil, nil, nil, clientAuth}, ""},
			leaf{"pki/etcd/peer", b.etcd, identity{n.name, nil, etcdDNS, etcdIPs, peerAuth}, ""},
			leaf{"pki/etcd/server", b.etcd, identity{n.name, nil, etcdDNS, etcdIPs, peerAuth}, ""},
			leaf{"pki/front-proxy-client", b.proxy, identity{"front-proxy-client", nil, nil, nil, clientAuth}, ""},
		)
	}
	nodeUser := "system:node:" + n.name
	// ControlPlaneKubeletLocalMode (GA in 1.35): a control-plane kubelet talks to its own API server.
	kubeletServer := endpoint
	if n.controlPlane {
		kubeletServer = "https://" + net.JoinHostPort(n.address.String(), "6443")
	}
	out = append(out,
		leaf{"kubelet/kubelet", b.kube, identity{nodeUser, []string{"system:nodes"}, []string{n.name}, nodeIPs, serverAuth}, ""},
		leaf{"kubelet.conf", b.kube, identity{nodeUser, []string{"system:nodes"}, nil, nil, clientAuth}, kubeletServer},
		leaf{"kube-proxy.conf", b.kube, identity{"system:kube-proxy", []string{"system:node-proxier"}, nil, nil, clientAuth}, endpoint},
	)
	if n.controlPlane {
		local := "https://" + net.JoinHostPort(n.address.String(), "6443")
		out = append(out,
			leaf{"admin.conf", b.kube, identity{"kubernetes-admin", []string{"kubeadm:cluster-admins"}, nil, nil, clientAuth}, endpoint},
			leaf{"controller-manager.conf", b.kube, identity{"system:kube-controller-manager", nil, nil, nil, clientAuth}, local},
			leaf{"scheduler.conf", b.kube, identity{"system:kube-scheduler", nil, nil, nil, clientAuth}, local})
		if first {
			out = append(out, leaf{"super-admin.conf", b.kube, identity{"kubernetes-super-admin", []string{"system:masters"}, nil, nil, clientAuth}, endpoint})
		}
	}
	return out
}
