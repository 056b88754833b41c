package main

// kubeconfigs with embedded credentials: kubeadm's kubeconfig phase
// (cmd/kubeadm/app/phases/kubeconfig/kubeconfig.go: buildKubeConfigFromSpec) makes a client
// certificate with pkiutil.NewCertAndKey and wraps it with kubeconfigutil.CreateWithCerts; this
// renders the same document clientcmd.Write produces for it.

import (
	"encoding/base64"
	"strings"
)

type kubeconfig struct {
	server, clusterName, user string
	caPEM, certPEM, keyPEM    []byte
}

// render writes the fixed shape directly. clientcmd.Write goes through JSON and a JSON-to-YAML
// conversion, so this is, if anything, cheaper than kubeadm's own rendering.
func (k kubeconfig) render() []byte {
	context := k.user + "@" + k.clusterName
	b64 := base64.StdEncoding.EncodeToString
	var sb strings.Builder
	sb.Grow(2*len(k.caPEM) + 2*len(k.certPEM) + 2*len(k.keyPEM) + 512)
	sb.WriteString("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ")
	sb.WriteString(b64(k.caPEM))
	sb.WriteString("\n    server: " + k.server + "\n  name: " + k.clusterName + "\n")
	sb.WriteString("contexts:\n- context:\n    cluster: " + k.clusterName + "\n    user: " + k.user + "\n")
	sb.WriteString("  name: " + context + "\ncurrent-context: " + context + "\n")
	sb.WriteString("kind: Config\npreferences: {}\nusers:\n- name: " + k.user + "\n  user:\n")
	sb.WriteString("    client-certificate-data: " + b64(k.certPEM) + "\n")
	sb.WriteString("    client-key-data: " + b64(k.keyPEM) + "\n")
	return []byte(sb.String())
}
