package stix

import "encoding/json"

// Artifact is an array of bytes (base64 in PayloadBin) or a link to them
// (URL with Hashes).
type Artifact struct {
	ObservableCommon
	MimeType            string `json:"mime_type,omitempty"`
	PayloadBin          string `json:"payload_bin,omitempty"`
	URL                 string `json:"url,omitempty"`
	Hashes              Hashes `json:"hashes,omitempty"`
	EncryptionAlgorithm string `json:"encryption_algorithm,omitempty"`
	DecryptionKey       string `json:"decryption_key,omitempty"`
}

// AutonomousSystem is an autonomous system (AS) of the Internet.
type AutonomousSystem struct {
	ObservableCommon
	Number *int64 `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
	RIR    string `json:"rir,omitempty"`
}

// Directory is a file system directory.
type Directory struct {
	ObservableCommon
	Path         string    `json:"path"`
	PathEnc      string    `json:"path_enc,omitempty"`
	Ctime        Timestamp `json:"ctime,omitzero"`
	Mtime        Timestamp `json:"mtime,omitzero"`
	Atime        Timestamp `json:"atime,omitzero"`
	ContainsRefs []string  `json:"contains_refs,omitempty"`
}

// DomainName is a network domain name.
type DomainName struct {
	ObservableCommon
	Value          string   `json:"value"`
	ResolvesToRefs []string `json:"resolves_to_refs,omitempty"`
}

// EmailAddr is an email address.
type EmailAddr struct {
	ObservableCommon
	Value        string `json:"value"`
	DisplayName  string `json:"display_name,omitempty"`
	BelongsToRef string `json:"belongs_to_ref,omitempty"`
}

// EmailMessage is an email message (RFC 5322).
type EmailMessage struct {
	ObservableCommon
	IsMultipart   *bool     `json:"is_multipart,omitempty"`
	Date          Timestamp `json:"date,omitzero"`
	ContentType   string    `json:"content_type,omitempty"`
	FromRef       string    `json:"from_ref,omitempty"`
	SenderRef     string    `json:"sender_ref,omitempty"`
	ToRefs        []string  `json:"to_refs,omitempty"`
	CcRefs        []string  `json:"cc_refs,omitempty"`
	BccRefs       []string  `json:"bcc_refs,omitempty"`
	MessageID     string    `json:"message_id,omitempty"`
	Subject       string    `json:"subject,omitempty"`
	ReceivedLines []string  `json:"received_lines,omitempty"`
	// AdditionalHeaderFields maps header names to a string or a list of
	// strings, as raw JSON.
	AdditionalHeaderFields map[string]json.RawMessage `json:"additional_header_fields,omitempty"`
	Body                   string                     `json:"body,omitempty"`
	BodyMultipart          []EmailMIMEPart            `json:"body_multipart,omitempty"`
	RawEmailRef            string                     `json:"raw_email_ref,omitempty"`
}

// EmailMIMEPart is one MIME part of a multipart email body.
type EmailMIMEPart struct {
	Body               string `json:"body,omitempty"`
	BodyRawRef         string `json:"body_raw_ref,omitempty"`
	ContentType        string `json:"content_type,omitempty"`
	ContentDisposition string `json:"content_disposition,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// File is a computer file.
type File struct {
	ObservableCommon
	Hashes             Hashes    `json:"hashes,omitempty"`
	Size               *int64    `json:"size,omitempty"`
	Name               string    `json:"name,omitempty"`
	NameEnc            string    `json:"name_enc,omitempty"`
	MagicNumberHex     string    `json:"magic_number_hex,omitempty"`
	MimeType           string    `json:"mime_type,omitempty"`
	Ctime              Timestamp `json:"ctime,omitzero"`
	Mtime              Timestamp `json:"mtime,omitzero"`
	Atime              Timestamp `json:"atime,omitzero"`
	ParentDirectoryRef string    `json:"parent_directory_ref,omitempty"`
	ContainsRefs       []string  `json:"contains_refs,omitempty"`
	ContentRef         string    `json:"content_ref,omitempty"`
}

// IPv4Addr is an IPv4 address or CIDR block.
type IPv4Addr struct {
	ObservableCommon
	Value          string   `json:"value"`
	ResolvesToRefs []string `json:"resolves_to_refs,omitempty"`
	BelongsToRefs  []string `json:"belongs_to_refs,omitempty"`
}

// IPv6Addr is an IPv6 address or CIDR block.
type IPv6Addr struct {
	ObservableCommon
	Value          string   `json:"value"`
	ResolvesToRefs []string `json:"resolves_to_refs,omitempty"`
	BelongsToRefs  []string `json:"belongs_to_refs,omitempty"`
}

// MACAddr is a MAC address.
type MACAddr struct {
	ObservableCommon
	Value string `json:"value"`
}

// Mutex is a mutual-exclusion object.
type Mutex struct {
	ObservableCommon
	Name string `json:"name"`
}

// NetworkTraffic is a network connection or flow between two endpoints.
type NetworkTraffic struct {
	ObservableCommon
	Start        Timestamp `json:"start,omitzero"`
	End          Timestamp `json:"end,omitzero"`
	IsActive     *bool     `json:"is_active,omitempty"`
	SrcRef       string    `json:"src_ref,omitempty"`
	DstRef       string    `json:"dst_ref,omitempty"`
	SrcPort      *int      `json:"src_port,omitempty"`
	DstPort      *int      `json:"dst_port,omitempty"`
	Protocols    []string  `json:"protocols"`
	SrcByteCount *int64    `json:"src_byte_count,omitempty"`
	DstByteCount *int64    `json:"dst_byte_count,omitempty"`
	SrcPackets   *int64    `json:"src_packets,omitempty"`
	DstPackets   *int64    `json:"dst_packets,omitempty"`
	// IPFIX maps IPFIX element names to strings or integers, as raw JSON.
	IPFIX             map[string]json.RawMessage `json:"ipfix,omitempty"`
	SrcPayloadRef     string                     `json:"src_payload_ref,omitempty"`
	DstPayloadRef     string                     `json:"dst_payload_ref,omitempty"`
	EncapsulatesRefs  []string                   `json:"encapsulates_refs,omitempty"`
	EncapsulatedByRef string                     `json:"encapsulated_by_ref,omitempty"`
}

// Process is an instance of a computer program running on a system.
type Process struct {
	ObservableCommon
	IsHidden             *bool             `json:"is_hidden,omitempty"`
	PID                  *int64            `json:"pid,omitempty"`
	CreatedTime          Timestamp         `json:"created_time,omitzero"`
	Cwd                  string            `json:"cwd,omitempty"`
	CommandLine          string            `json:"command_line,omitempty"`
	EnvironmentVariables map[string]string `json:"environment_variables,omitempty"`
	OpenedConnectionRefs []string          `json:"opened_connection_refs,omitempty"`
	CreatorUserRef       string            `json:"creator_user_ref,omitempty"`
	ImageRef             string            `json:"image_ref,omitempty"`
	ParentRef            string            `json:"parent_ref,omitempty"`
	ChildRefs            []string          `json:"child_refs,omitempty"`
}

// Software is a software product.
type Software struct {
	ObservableCommon
	Name      string   `json:"name"`
	CPE       string   `json:"cpe,omitempty"`
	SWID      string   `json:"swid,omitempty"`
	Languages []string `json:"languages,omitempty"`
	Vendor    string   `json:"vendor,omitempty"`
	Version   string   `json:"version,omitempty"`
}

// URL is a uniform resource locator.
type URL struct {
	ObservableCommon
	Value string `json:"value"`
}

// UserAccount is a user account on a system, service or network.
type UserAccount struct {
	ObservableCommon
	UserID                string    `json:"user_id,omitempty"`
	Credential            string    `json:"credential,omitempty"`
	AccountLogin          string    `json:"account_login,omitempty"`
	AccountType           string    `json:"account_type,omitempty"`
	DisplayName           string    `json:"display_name,omitempty"`
	IsServiceAccount      *bool     `json:"is_service_account,omitempty"`
	IsPrivileged          *bool     `json:"is_privileged,omitempty"`
	CanEscalatePrivs      *bool     `json:"can_escalate_privs,omitempty"`
	IsDisabled            *bool     `json:"is_disabled,omitempty"`
	AccountCreated        Timestamp `json:"account_created,omitzero"`
	AccountExpires        Timestamp `json:"account_expires,omitzero"`
	CredentialLastChanged Timestamp `json:"credential_last_changed,omitzero"`
	AccountFirstLogin     Timestamp `json:"account_first_login,omitzero"`
	AccountLastLogin      Timestamp `json:"account_last_login,omitzero"`
}

// WindowsRegistryKey is a Windows registry key and its values.
type WindowsRegistryKey struct {
	ObservableCommon
	Key             string                 `json:"key,omitempty"`
	Values          []WindowsRegistryValue `json:"values,omitempty"`
	ModifiedTime    Timestamp              `json:"modified_time,omitzero"`
	CreatorUserRef  string                 `json:"creator_user_ref,omitempty"`
	NumberOfSubkeys *int64                 `json:"number_of_subkeys,omitempty"`
}

// WindowsRegistryValue is one value of a Windows registry key.
type WindowsRegistryValue struct {
	Name     string `json:"name,omitempty"`
	Data     string `json:"data,omitempty"`
	DataType string `json:"data_type,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// X509Certificate is an X.509 certificate.
type X509Certificate struct {
	ObservableCommon
	IsSelfSigned              *bool            `json:"is_self_signed,omitempty"`
	Hashes                    Hashes           `json:"hashes,omitempty"`
	Version                   string           `json:"version,omitempty"`
	SerialNumber              string           `json:"serial_number,omitempty"`
	SignatureAlgorithm        string           `json:"signature_algorithm,omitempty"`
	Issuer                    string           `json:"issuer,omitempty"`
	ValidityNotBefore         Timestamp        `json:"validity_not_before,omitzero"`
	ValidityNotAfter          Timestamp        `json:"validity_not_after,omitzero"`
	Subject                   string           `json:"subject,omitempty"`
	SubjectPublicKeyAlgorithm string           `json:"subject_public_key_algorithm,omitempty"`
	SubjectPublicKeyModulus   string           `json:"subject_public_key_modulus,omitempty"`
	SubjectPublicKeyExponent  *int64           `json:"subject_public_key_exponent,omitempty"`
	X509V3Extensions          *X509V3Extension `json:"x509_v3_extensions,omitempty"`
}

// X509V3Extension holds the X.509 v3 extensions of a certificate.
type X509V3Extension struct {
	BasicConstraints               string    `json:"basic_constraints,omitempty"`
	NameConstraints                string    `json:"name_constraints,omitempty"`
	PolicyConstraints              string    `json:"policy_constraints,omitempty"`
	KeyUsage                       string    `json:"key_usage,omitempty"`
	ExtendedKeyUsage               string    `json:"extended_key_usage,omitempty"`
	SubjectKeyIdentifier           string    `json:"subject_key_identifier,omitempty"`
	AuthorityKeyIdentifier         string    `json:"authority_key_identifier,omitempty"`
	SubjectAlternativeName         string    `json:"subject_alternative_name,omitempty"`
	IssuerAlternativeName          string    `json:"issuer_alternative_name,omitempty"`
	SubjectDirectoryAttributes     string    `json:"subject_directory_attributes,omitempty"`
	CRLDistributionPoints          string    `json:"crl_distribution_points,omitempty"`
	InhibitAnyPolicy               string    `json:"inhibit_any_policy,omitempty"`
	PrivateKeyUsagePeriodNotBefore Timestamp `json:"private_key_usage_period_not_before,omitzero"`
	PrivateKeyUsagePeriodNotAfter  Timestamp `json:"private_key_usage_period_not_after,omitzero"`
	CertificatePolicies            string    `json:"certificate_policies,omitempty"`
	PolicyMappings                 string    `json:"policy_mappings,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}
