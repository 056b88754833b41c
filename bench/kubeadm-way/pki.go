package main

// Keys and certificates the way kubeadm's pkiutil makes them
// (cmd/kubeadm/app/util/pkiutil/pki_helpers.go, client-go's util/cert and util/keyutil).

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math"
	"math/big"
	"net"
	"sort"
	"time"
)

const (
	// kubeadm constants: CertificateBackdate, CertificateValidityPeriod, CACertificateValidityPeriod.
	certificateBackdate = 5 * time.Minute
	leafValidity        = 365 * 24 * time.Hour
	caValidity          = 10 * 365 * 24 * time.Hour
	rsaKeySize          = 2048 // pkiutil's rsaKeySize
)

// ca is a certificate authority in memory: its certificate, its PEM, its key.
type ca struct {
	cert *x509.Certificate
	pem  []byte
	key  crypto.Signer
}

// identity is what a certificate says: kubeadm's certutil.Config (CN, O, SANs, usages).
type identity struct {
	commonName   string
	organization []string
	dnsNames     []string
	ips          []net.IP
	usages       []x509.ExtKeyUsage
}

// newPrivateKey is pkiutil.GeneratePrivateKey: P-256 for ECDSA, else RSA-2048.
func newPrivateKey(algorithm string) (crypto.Signer, error) {
	if algorithm == "ecdsa-p256" {
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	return rsa.GenerateKey(rand.Reader, rsaKeySize)
}

// newSerial is pkiutil's serial: uniform in [1, MaxInt64).
func newSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).SetInt64(math.MaxInt64-1))
	if err != nil {
		return nil, err
	}
	return serial.Add(serial, big.NewInt(1)), nil
}

// newCA is pkiutil.NewCertificateAuthority + certutil.NewSelfSignedCACert: backdated
// NotBefore, ten years, the CN as its only DNS SAN, KeyEncipherment|DigitalSignature|CertSign.
func newCA(commonName, algorithm string) (*ca, error) {
	key, err := newPrivateKey(algorithm)
	if err != nil {
		return nil, err
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName},
		DNSNames:              []string{commonName},
		NotBefore:             now.Add(-certificateBackdate).UTC(),
		NotAfter:              now.Add(caValidity).UTC(),
		KeyUsage:              x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &ca{cert, encodeCertPEM(cert), key}, nil
}

// newCertAndKey is pkiutil.NewCertAndKey + NewSignedCert: a fresh key, a random serial,
// NotBefore = the CA's, KeyEncipherment|DigitalSignature, the usages asked for, not a CA.
func newCertAndKey(issuer *ca, id identity, algorithm string) (*x509.Certificate, crypto.Signer, error) {
	if len(id.usages) == 0 {
		return nil, nil, fmt.Errorf("%s: must specify at least one ExtKeyUsage", id.commonName)
	}
	key, err := newPrivateKey(algorithm)
	if err != nil {
		return nil, nil, err
	}
	serial, err := newSerial()
	if err != nil {
		return nil, nil, err
	}
	dns, ips := removeDuplicateAltNames(id.dnsNames, id.ips)
	tmpl := x509.Certificate{
		Subject:               pkix.Name{CommonName: id.commonName, Organization: id.organization},
		DNSNames:              dns,
		IPAddresses:           ips,
		SerialNumber:          serial,
		NotBefore:             issuer.cert.NotBefore,
		NotAfter:              time.Now().Add(leafValidity).UTC(),
		KeyUsage:              x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           id.usages,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, issuer.cert, key.Public(), issuer.key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// removeDuplicateAltNames is pkiutil.RemoveDuplicateAltNames: DNS names as a sorted set, IPs
// deduplicated in order.
func removeDuplicateAltNames(dns []string, ips []net.IP) ([]string, []net.IP) {
	var outDNS []string
	if dns != nil {
		seen := map[string]bool{}
		for _, name := range dns {
			if !seen[name] {
				seen[name] = true
				outDNS = append(outDNS, name)
			}
		}
		sort.Strings(outDNS)
	}
	var outIPs []net.IP
	seenIP := map[string]bool{}
	for _, ip := range ips {
		if !seenIP[ip.String()] {
			seenIP[ip.String()] = true
			outIPs = append(outIPs, ip)
		}
	}
	return outDNS, outIPs
}

func encodeCertPEM(cert *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// marshalPrivateKeyToPEM is keyutil.MarshalPrivateKeyToPEM: SEC1 "EC PRIVATE KEY" for ECDSA,
// PKCS#1 "RSA PRIVATE KEY" for RSA.
func marshalPrivateKeyToPEM(key crypto.Signer) ([]byte, error) {
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
	case *rsa.PrivateKey:
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
	}
	return nil, fmt.Errorf("private key is neither RSA nor ECDSA")
}

// encodePublicKeyPEM is pkiutil.EncodePublicKeyPEM (sa.pub).
func encodePublicKeyPEM(key crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
