package connector

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// dialTimeout bounds the TCP connect and the TLS and AMQP handshakes.
const dialTimeout = 30 * time.Second

// brokerTarget is the broker address and dial configuration, after the MQ_*
// overrides.
type brokerTarget struct {
	host   string
	port   int
	url    string
	config amqp.Config
}

// String names the broker for logs, without credentials.
func (t brokerTarget) String() string {
	return fmt.Sprintf("%s vhost %q", net.JoinHostPort(t.host, strconv.Itoa(t.port)),
		t.config.Vhost)
}

// brokerTarget applies the MQ_* overrides to the registration's connection
// settings and builds the dial configuration. name is the client-provided
// connection name shown in the broker's management tools.
func (c *Connector) brokerTarget(conn BrokerConnection, name string) (brokerTarget, error) {
	mq := c.cfg.MQ
	if mq.Host != "" {
		conn.Host = mq.Host
	}
	if mq.Port != 0 {
		conn.Port = mq.Port
	}
	if mq.VHost != "" {
		conn.VHost = mq.VHost
	}
	if mq.UseSSL != nil {
		conn.UseSSL = *mq.UseSSL
	}
	if mq.User != "" {
		conn.User = mq.User
	}
	if mq.Pass != "" {
		conn.Pass = mq.Pass
	}
	if conn.Host == "" {
		return brokerTarget{}, fmt.Errorf("broker host is empty: set MQ_HOST")
	}
	if conn.Port == 0 {
		conn.Port = 5672
		if conn.UseSSL {
			conn.Port = 5671
		}
	}
	if conn.VHost == "" {
		conn.VHost = "/"
	}
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName(name)
	t := brokerTarget{host: conn.Host, port: conn.Port, config: amqp.Config{
		SASL:       []amqp.Authentication{&amqp.PlainAuth{Username: conn.User, Password: conn.Pass.Reveal()}},
		Vhost:      conn.VHost,
		Heartbeat:  c.opts.Heartbeat,
		Properties: props,
		Locale:     "en_US",
		Dial:       amqp.DefaultDial(dialTimeout),
	}}
	scheme := "amqp"
	if conn.UseSSL {
		scheme = "amqps"
		tlsConfig, err := buildTLS(conn.Host, mq)
		if err != nil {
			return brokerTarget{}, err
		}
		t.config.TLSClientConfig = tlsConfig
	}
	// The vhost and credentials travel in the Config, never in the URL, so
	// a vhost of "/" needs no escaping.
	t.url = scheme + "://" + net.JoinHostPort(conn.Host, strconv.Itoa(conn.Port)) + "/"
	return t, nil
}

func (t brokerTarget) dial() (*amqp.Connection, error) {
	return amqp.DialConfig(t.url, t.config)
}

// buildTLS returns the TLS settings for the broker. As in pycti, the broker
// certificate is verified only when MQ_USE_SSL_REJECT_UNAUTHORIZED is true;
// the CA from MQ_USE_SSL_CA is then added to the system pool.
func buildTLS(host string, mq MQConfig) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	cfg.InsecureSkipVerify = !mq.SSLRejectUnauthorized // pycti default: no verification
	if mq.SSLCA != "" {
		pemCA, err := pemOrFile(mq.SSLCA)
		if err != nil {
			return nil, fmt.Errorf("MQ_USE_SSL_CA: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pemCA) {
			return nil, fmt.Errorf("MQ_USE_SSL_CA: no PEM certificate found")
		}
		cfg.RootCAs = pool
	}
	if mq.SSLCert == "" && mq.SSLKey == "" {
		return cfg, nil
	}
	if mq.SSLCert == "" || mq.SSLKey == "" {
		return nil, fmt.Errorf("MQ_USE_SSL_CERT and MQ_USE_SSL_KEY: set both or neither")
	}
	certPEM, err := pemOrFile(mq.SSLCert)
	if err != nil {
		return nil, fmt.Errorf("MQ_USE_SSL_CERT: %w", err)
	}
	keyPEM, err := pemOrFile(mq.SSLKey.Reveal())
	if err != nil {
		return nil, fmt.Errorf("MQ_USE_SSL_KEY: %w", err)
	}
	if mq.SSLPassphrase != "" {
		if keyPEM, err = decryptKey(keyPEM, mq.SSLPassphrase.Reveal()); err != nil {
			return nil, fmt.Errorf("MQ_USE_SSL_KEY: %w", err)
		}
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("MQ_USE_SSL_CERT and MQ_USE_SSL_KEY: %w", err)
	}
	cfg.Certificates = []tls.Certificate{pair}
	return cfg, nil
}

// pemOrFile returns value itself when it is inline PEM, else the content of
// the file it names.
func pemOrFile(value string) ([]byte, error) {
	if strings.HasPrefix(strings.TrimSpace(value), "-----BEGIN") {
		return []byte(value), nil
	}
	data, err := os.ReadFile(value)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", value, err)
	}
	return data, nil
}

// decryptKey decrypts a legacy encrypted PEM key (Proc-Type: 4,ENCRYPTED).
// An unencrypted key is returned unchanged.
func decryptKey(keyPEM []byte, passphrase string) ([]byte, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, fmt.Errorf("no PEM block found")
	}
	//lint:ignore SA1019 legacy PEM encryption is what a passphrase-protected key file uses
	if !x509.IsEncryptedPEMBlock(block) {
		return keyPEM, nil
	}
	//lint:ignore SA1019 legacy PEM encryption is what a passphrase-protected key file uses
	der, err := x509.DecryptPEMBlock(block, []byte(passphrase))
	if err != nil {
		return nil, fmt.Errorf("decrypt key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: der}), nil
}
