package stix

import (
	"encoding/json"
	"reflect"
)

// Extensions maps extension names to their content. The keys are the names
// of predefined SCO extensions (such as "archive-ext") or the ids of
// extension definitions ("extension-definition--…"). Decoding gives each
// predefined name its type below (*ArchiveExt for "archive-ext", …) and every
// other key a *GenericExtension.
type Extensions map[string]Extension

// Extension is the content of one extension: a pointer to one of the
// predefined extension types of this package, or a *GenericExtension.
type Extension interface {
	extension()
}

// Predefined SCO extension names.
const (
	ExtArchive        = "archive-ext"
	ExtNTFS           = "ntfs-ext"
	ExtPDF            = "pdf-ext"
	ExtRasterImage    = "raster-image-ext"
	ExtWindowsPE      = "windows-pebinary-ext"
	ExtHTTPRequest    = "http-request-ext"
	ExtICMP           = "icmp-ext"
	ExtSocket         = "socket-ext"
	ExtTCP            = "tcp-ext"
	ExtWindowsProcess = "windows-process-ext"
	ExtWindowsService = "windows-service-ext"
	ExtUnixAccount    = "unix-account-ext"
)

var extensionTypes = map[string]reflect.Type{
	ExtArchive:        reflect.TypeFor[ArchiveExt](),
	ExtNTFS:           reflect.TypeFor[NTFSExt](),
	ExtPDF:            reflect.TypeFor[PDFExt](),
	ExtRasterImage:    reflect.TypeFor[RasterImageExt](),
	ExtWindowsPE:      reflect.TypeFor[WindowsPEBinaryExt](),
	ExtHTTPRequest:    reflect.TypeFor[HTTPRequestExt](),
	ExtICMP:           reflect.TypeFor[ICMPExt](),
	ExtSocket:         reflect.TypeFor[SocketExt](),
	ExtTCP:            reflect.TypeFor[TCPExt](),
	ExtWindowsProcess: reflect.TypeFor[WindowsProcessExt](),
	ExtWindowsService: reflect.TypeFor[WindowsServiceExt](),
	ExtUnixAccount:    reflect.TypeFor[UnixAccountExt](),
}

// newExtension returns a new, empty extension value for the given key.
func newExtension(key string) Extension {
	if t, ok := extensionTypes[key]; ok {
		return reflect.New(t).Interface().(Extension)
	}
	return new(GenericExtension)
}

// GenericExtension is the content of an extension this package does not
// model, such as one defined by an extension definition.
type GenericExtension struct {
	// ExtensionType is "property-extension", "toplevel-property-extension",
	// "new-sdo", "new-sco" or "new-sro" for extensions defined by an
	// extension definition; legacy custom extensions have none.
	ExtensionType string `json:"extension_type,omitempty"`

	// Properties holds every other property, as raw JSON.
	Properties map[string]json.RawMessage `json:"-"`
}

// ArchiveExt is the archive-ext extension of a File.
type ArchiveExt struct {
	ContainsRefs []string `json:"contains_refs"`
	Comment      string   `json:"comment,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// NTFSExt is the ntfs-ext extension of a File.
type NTFSExt struct {
	SID                  string                `json:"sid,omitempty"`
	AlternateDataStreams []AlternateDataStream `json:"alternate_data_streams,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// AlternateDataStream is an NTFS alternate data stream.
type AlternateDataStream struct {
	Name   string `json:"name"`
	Hashes Hashes `json:"hashes,omitempty"`
	Size   *int64 `json:"size,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// PDFExt is the pdf-ext extension of a File.
type PDFExt struct {
	Version          string            `json:"version,omitempty"`
	IsOptimized      *bool             `json:"is_optimized,omitempty"`
	DocumentInfoDict map[string]string `json:"document_info_dict,omitempty"`
	PDFID0           string            `json:"pdfid0,omitempty"`
	PDFID1           string            `json:"pdfid1,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// RasterImageExt is the raster-image-ext extension of a File.
type RasterImageExt struct {
	ImageHeight  *int64 `json:"image_height,omitempty"`
	ImageWidth   *int64 `json:"image_width,omitempty"`
	BitsPerPixel *int64 `json:"bits_per_pixel,omitempty"`
	// ExifTags maps EXIF tag names to strings or integers, as raw JSON.
	ExifTags map[string]json.RawMessage `json:"exif_tags,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// WindowsPEBinaryExt is the windows-pebinary-ext extension of a File.
type WindowsPEBinaryExt struct {
	PEType                  string                   `json:"pe_type"`
	Imphash                 string                   `json:"imphash,omitempty"`
	MachineHex              string                   `json:"machine_hex,omitempty"`
	NumberOfSections        *int64                   `json:"number_of_sections,omitempty"`
	TimeDateStamp           Timestamp                `json:"time_date_stamp,omitzero"`
	PointerToSymbolTableHex string                   `json:"pointer_to_symbol_table_hex,omitempty"`
	NumberOfSymbols         *int64                   `json:"number_of_symbols,omitempty"`
	SizeOfOptionalHeader    *int64                   `json:"size_of_optional_header,omitempty"`
	CharacteristicsHex      string                   `json:"characteristics_hex,omitempty"`
	FileHeaderHashes        Hashes                   `json:"file_header_hashes,omitempty"`
	OptionalHeader          *WindowsPEOptionalHeader `json:"optional_header,omitempty"`
	Sections                []WindowsPESection       `json:"sections,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// WindowsPEOptionalHeader is the optional header of a PE binary.
type WindowsPEOptionalHeader struct {
	MagicHex                string `json:"magic_hex,omitempty"`
	MajorLinkerVersion      *int64 `json:"major_linker_version,omitempty"`
	MinorLinkerVersion      *int64 `json:"minor_linker_version,omitempty"`
	SizeOfCode              *int64 `json:"size_of_code,omitempty"`
	SizeOfInitializedData   *int64 `json:"size_of_initialized_data,omitempty"`
	SizeOfUninitializedData *int64 `json:"size_of_uninitialized_data,omitempty"`
	AddressOfEntryPoint     *int64 `json:"address_of_entry_point,omitempty"`
	BaseOfCode              *int64 `json:"base_of_code,omitempty"`
	BaseOfData              *int64 `json:"base_of_data,omitempty"`
	ImageBase               *int64 `json:"image_base,omitempty"`
	SectionAlignment        *int64 `json:"section_alignment,omitempty"`
	FileAlignment           *int64 `json:"file_alignment,omitempty"`
	MajorOSVersion          *int64 `json:"major_os_version,omitempty"`
	MinorOSVersion          *int64 `json:"minor_os_version,omitempty"`
	MajorImageVersion       *int64 `json:"major_image_version,omitempty"`
	MinorImageVersion       *int64 `json:"minor_image_version,omitempty"`
	MajorSubsystemVersion   *int64 `json:"major_subsystem_version,omitempty"`
	MinorSubsystemVersion   *int64 `json:"minor_subsystem_version,omitempty"`
	Win32VersionValueHex    string `json:"win32_version_value_hex,omitempty"`
	SizeOfImage             *int64 `json:"size_of_image,omitempty"`
	SizeOfHeaders           *int64 `json:"size_of_headers,omitempty"`
	ChecksumHex             string `json:"checksum_hex,omitempty"`
	SubsystemHex            string `json:"subsystem_hex,omitempty"`
	DLLCharacteristicsHex   string `json:"dll_characteristics_hex,omitempty"`
	SizeOfStackReserve      *int64 `json:"size_of_stack_reserve,omitempty"`
	SizeOfStackCommit       *int64 `json:"size_of_stack_commit,omitempty"`
	SizeOfHeapReserve       *int64 `json:"size_of_heap_reserve,omitempty"`
	SizeOfHeapCommit        *int64 `json:"size_of_heap_commit,omitempty"`
	LoaderFlagsHex          string `json:"loader_flags_hex,omitempty"`
	NumberOfRVAAndSizes     *int64 `json:"number_of_rva_and_sizes,omitempty"`
	Hashes                  Hashes `json:"hashes,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// WindowsPESection is one section of a PE binary.
type WindowsPESection struct {
	Name    string   `json:"name"`
	Size    *int64   `json:"size,omitempty"`
	Entropy *float64 `json:"entropy,omitempty"`
	Hashes  Hashes   `json:"hashes,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// HTTPRequestExt is the http-request-ext extension of a NetworkTraffic.
type HTTPRequestExt struct {
	RequestMethod  string `json:"request_method"`
	RequestValue   string `json:"request_value"`
	RequestVersion string `json:"request_version,omitempty"`
	// RequestHeader maps header names to their values; a header may appear
	// more than once, so each has a list.
	RequestHeader      map[string][]string `json:"request_header,omitempty"`
	MessageBodyLength  *int64              `json:"message_body_length,omitempty"`
	MessageBodyDataRef string              `json:"message_body_data_ref,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// ICMPExt is the icmp-ext extension of a NetworkTraffic.
type ICMPExt struct {
	ICMPTypeHex string `json:"icmp_type_hex"`
	ICMPCodeHex string `json:"icmp_code_hex"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// SocketExt is the socket-ext extension of a NetworkTraffic.
type SocketExt struct {
	AddressFamily string `json:"address_family"`
	IsBlocking    *bool  `json:"is_blocking,omitempty"`
	IsListening   *bool  `json:"is_listening,omitempty"`
	// Options maps socket option names (SO_*) to integers, as raw JSON.
	Options          map[string]json.RawMessage `json:"options,omitempty"`
	SocketType       string                     `json:"socket_type,omitempty"`
	SocketDescriptor *int64                     `json:"socket_descriptor,omitempty"`
	SocketHandle     *int64                     `json:"socket_handle,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// TCPExt is the tcp-ext extension of a NetworkTraffic.
type TCPExt struct {
	SrcFlagsHex string `json:"src_flags_hex,omitempty"`
	DstFlagsHex string `json:"dst_flags_hex,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// WindowsProcessExt is the windows-process-ext extension of a Process.
type WindowsProcessExt struct {
	ASLREnabled *bool  `json:"aslr_enabled,omitempty"`
	DEPEnabled  *bool  `json:"dep_enabled,omitempty"`
	Priority    string `json:"priority,omitempty"`
	OwnerSID    string `json:"owner_sid,omitempty"`
	WindowTitle string `json:"window_title,omitempty"`
	// StartupInfo maps STARTUPINFO member names to strings or integers, as
	// raw JSON.
	StartupInfo    map[string]json.RawMessage `json:"startup_info,omitempty"`
	IntegrityLevel string                     `json:"integrity_level,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// WindowsServiceExt is the windows-service-ext extension of a Process.
type WindowsServiceExt struct {
	ServiceName    string   `json:"service_name,omitempty"`
	Descriptions   []string `json:"descriptions,omitempty"`
	DisplayName    string   `json:"display_name,omitempty"`
	GroupName      string   `json:"group_name,omitempty"`
	StartType      string   `json:"start_type,omitempty"`
	ServiceDLLRefs []string `json:"service_dll_refs,omitempty"`
	ServiceType    string   `json:"service_type,omitempty"`
	ServiceStatus  string   `json:"service_status,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// UnixAccountExt is the unix-account-ext extension of a UserAccount.
type UnixAccountExt struct {
	GID     *int64   `json:"gid,omitempty"`
	Groups  []string `json:"groups,omitempty"`
	HomeDir string   `json:"home_dir,omitempty"`
	Shell   string   `json:"shell,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

func (*GenericExtension) extension()   {}
func (*ArchiveExt) extension()         {}
func (*NTFSExt) extension()            {}
func (*PDFExt) extension()             {}
func (*RasterImageExt) extension()     {}
func (*WindowsPEBinaryExt) extension() {}
func (*HTTPRequestExt) extension()     {}
func (*ICMPExt) extension()            {}
func (*SocketExt) extension()          {}
func (*TCPExt) extension()             {}
func (*WindowsProcessExt) extension()  {}
func (*WindowsServiceExt) extension()  {}
func (*UnixAccountExt) extension()     {}
