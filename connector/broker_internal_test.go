package connector

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "broker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, DNSNames: []string{"broker.internal"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func TestBuildTLSFromFilesAndInlinePEM(t *testing.T) {
	certPEM, keyPEM := selfSigned(t)
	dir := t.TempDir()
	caPath := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caPath, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := buildTLS("broker.internal", MQConfig{SSLCA: caPath, SSLCert: string(certPEM),
		SSLKey: Secret(keyPEM), SSLRejectUnauthorized: true})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.InsecureSkipVerify || cfg.ServerName != "broker.internal" || cfg.RootCAs == nil {
		t.Errorf("tls config: skip %t, server %q, roots %v", cfg.InsecureSkipVerify,
			cfg.ServerName, cfg.RootCAs != nil)
	}
	if len(cfg.Certificates) != 1 {
		t.Errorf("client certificates = %d, want 1", len(cfg.Certificates))
	}
	lax, err := buildTLS("broker.internal", MQConfig{})
	if err != nil || !lax.InsecureSkipVerify {
		t.Errorf("default: skip verify %v, err %v; want no verification as pycti", lax, err)
	}
	if _, err := buildTLS("h", MQConfig{SSLCert: string(certPEM)}); err == nil {
		t.Error("certificate without key accepted")
	}
	if _, err := buildTLS("h", MQConfig{SSLCA: filepath.Join(dir, "missing.pem")}); err == nil {
		t.Error("missing CA file accepted")
	}
}

func TestBrokerTargetAppliesOverrides(t *testing.T) {
	useSSL := true
	c := &Connector{cfg: Config{MQ: MQConfig{Host: "mq.local", VHost: "octi", UseSSL: &useSSL,
		User: "svc", Pass: "pw"}}, opts: Options{}.withDefaults()}
	target, err := c.brokerTarget(BrokerConnection{Host: "rabbitmq", Port: 5672, VHost: "/",
		User: "guest", Pass: "guest"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if target.url != "amqps://mq.local:5672/" || target.config.Vhost != "octi" {
		t.Errorf("target = %s, url %s", target, target.url)
	}
	if target.config.Heartbeat != DefaultHeartbeat || target.config.TLSClientConfig == nil {
		t.Errorf("heartbeat %v, tls %v", target.config.Heartbeat, target.config.TLSClientConfig)
	}
	if resp := target.config.SASL[0].Response(); resp != "\x00svc\x00pw" {
		t.Errorf("credentials = %q, want the MQ_USER and MQ_PASS overrides", resp)
	}
}

func TestBackoffAndLimiter(t *testing.T) {
	b := &backoff{first: time.Second, max: 8 * time.Second}
	for i, want := range []time.Duration{1, 2, 4, 8, 8} {
		d := b.next()
		if d < want*time.Second/2 || d > want*time.Second {
			t.Errorf("attempt %d: delay %v, want between %v and %v", i, d,
				want*time.Second/2, want*time.Second)
		}
	}
	l := &attemptLimiter{n: 10, window: time.Minute}
	now := time.Now()
	for i := range 10 {
		if w := l.wait(now); w != 0 {
			t.Fatalf("attempt %d waits %v", i, w)
		}
		l.record(now.Add(time.Duration(i) * time.Second))
	}
	if w := l.wait(now.Add(10 * time.Second)); w != 50*time.Second {
		t.Errorf("eleventh attempt waits %v, want 50s", w)
	}
}
