package stixconv

import (
	"context"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// externalReferences converts externalReferences to external_references,
// with the files of each reference.
func (c *converter) externalReferences(ctx context.Context, o *Object) error {
	list, ok := o.Get("externalReferences").([]any)
	o.Delete("externalReferences", "externalReferencesIds")
	if !ok || c.opts.NoCustom {
		return nil
	}
	refs := make([]any, 0, len(list))
	for _, r := range list {
		ro, ok := r.(*Object)
		if !ok {
			continue
		}
		ref := NewObject()
		for _, k := range []string{"source_name", "description", "url", "hash", "external_id"} {
			if v := ro.String(k); v != "" {
				ref.Set(k, v)
			}
		}
		c.referenceHash(ref)
		files, _ := ro.Get("importFiles").([]any)
		if len(files) > 0 {
			entries, err := c.fileEntries(ctx, files)
			if err != nil {
				return err
			}
			ref.Set("x_opencti_files", entries)
		}
		refs = append(refs, ref)
	}
	o.Set("external_references", refs)
	return nil
}

// hashAlgorithmsByLength are the STIX hash algorithms distinguished by the
// length of their hexadecimal value.
var hashAlgorithmsByLength = map[int]string{32: "MD5", 40: "SHA-1", 64: "SHA-256", 128: "SHA-512"}

// referenceHash turns an external reference's hash string into hashes.
func (c *converter) referenceHash(ref *Object) {
	h := ref.String("hash")
	if h == "" || c.compat.ExternalReferenceHash {
		return
	}
	algorithm, ok := hashAlgorithmsByLength[len(h)]
	if !ok || strings.Trim(strings.ToLower(h), "0123456789abcdef") != "" {
		ref.renameInPlace("hash", "x_opencti_hash")
		return
	}
	hashes := NewObject()
	hashes.Set(algorithm, h)
	ref.Set("hash", hashes)
	ref.renameInPlace("hash", "hashes")
}

// files converts the entity's importFiles to x_opencti_files, and fills an
// artifact's payload_bin with its first file.
func (c *converter) files(ctx context.Context, o *Object) error {
	list, _ := o.Get("importFiles").([]any)
	o.Delete("importFiles", "importFilesIds")
	if len(list) == 0 {
		return nil
	}
	entries, err := c.fileEntries(ctx, list)
	if err != nil {
		return err
	}
	if o.Type() == "artifact" {
		if first, ok := entries[0].(*Object); ok {
			if data, ok := first.Get("data").(string); ok {
				o.Set("payload_bin", data)
			}
		}
	}
	o.Set("x_opencti_files", entries)
	return nil
}

// fileEntries downloads files and builds their x_opencti_files entries;
// the files' markings go to c.fileMarkings.
func (c *converter) fileEntries(ctx context.Context, files []any) ([]any, error) {
	entries := make([]any, 0, len(files))
	for _, f := range files {
		fo, ok := f.(*Object)
		if !ok {
			continue
		}
		e := NewObject()
		name := fo.Get("name")
		e.Set("name", name)
		data, err := c.resolver.Download(ctx, fo.String("id"))
		switch {
		case err == nil:
			e.Set("data", base64.StdEncoding.EncodeToString(data))
		case c.compat.NullFileData:
			e.Set("data", nil)
		default:
			return nil, &DownloadError{FileID: fo.String("id"), EntityID: c.res.InternalID, Err: err}
		}
		meta, _ := fo.Get("metaData").(*Object)
		if meta != nil {
			mimeType := meta.Get("mimetype")
			e.Set("mime_type", mimeType)
			if v := meta.Get("version"); v != nil || c.compat.NullFileVersion {
				e.Set("version", v)
			}
		}
		c.fileMarkingRefs(fo, e)
		entries = append(entries, e)
	}
	return entries, nil
}

// fileMarkingRefs writes a file's markings in its entry and keeps their
// definitions for the result.
func (c *converter) fileMarkingRefs(file, entry *Object) {
	list, _ := file.Get("objectMarking").([]any)
	if len(list) == 0 {
		return
	}
	refs := make([]any, 0, len(list))
	for _, m := range list {
		if mo, ok := m.(*Object); ok {
			def := markingDefinition(mo, c.compat)
			c.fileMarkings = append(c.fileMarkings, def)
			refs = append(refs, def.ID())
		}
	}
	entry.Set("object_marking_refs", refs)
}

// markdownFields are the text properties whose Markdown images pointing to
// platform storage are inlined (pycti 7.x).
var markdownFields = []string{"description", "x_opencti_description", "content"}

// inlineImages replaces Markdown images stored on the platform by data:
// URIs. A link that is not such an image, or whose download fails, stays.
func (c *converter) inlineImages(ctx context.Context, o *Object) error {
	cache := map[string]string{}
	for _, field := range markdownFields {
		text, ok := o.Get(field).(string)
		if !ok || !strings.Contains(text, "![") {
			continue
		}
		o.Set(field, rewriteImages(text, func(dest string) string {
			if uri, ok := cache[dest]; ok {
				return uri
			}
			uri := c.imageURI(ctx, dest)
			cache[dest] = uri
			return uri
		}))
	}
	return nil
}

// imageURI returns the data: URI of an embedded image stored on the
// platform, or "" to keep the link.
func (c *converter) imageURI(ctx context.Context, dest string) string {
	fileID, ok := embeddedFileID(dest)
	if !ok {
		return ""
	}
	data, err := c.resolver.Download(ctx, fileID)
	if err != nil {
		return ""
	}
	mimeType := mime.TypeByExtension(path.Ext(fileID))
	if mimeType == "" {
		mimeType = http.DetectContentType(data)
	}
	mimeType, _, _ = strings.Cut(mimeType, ";")
	if !strings.HasPrefix(mimeType, "image/") {
		return ""
	}
	return "data:" + mimeType + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// embeddedFileID returns the stored file id of a link to an image embedded
// in a description: a URL or path through /storage/get/ or /storage/view/
// to a file id under embedded/.
//
// NOTE: the accepted URL forms are those the platform's front end writes
// as far as known (absolute or relative storage URLs); other forms are
// left as links.
func embeddedFileID(dest string) (string, bool) {
	u, err := url.Parse(dest)
	if err != nil {
		return "", false
	}
	for _, prefix := range []string{"/storage/get/", "/storage/view/"} {
		if _, rest, ok := strings.Cut(u.Path, prefix); ok && strings.HasPrefix(rest, "embedded/") {
			return rest, true
		}
	}
	return "", false
}

// rewriteImages replaces the destination of each Markdown image
// ![alt](dest) for which replace returns a non-empty value. Escaped
// characters and nested parentheses in the destination are honoured;
// malformed image syntax is left as it is.
func rewriteImages(text string, replace func(dest string) string) string {
	var b strings.Builder
	for {
		start := strings.Index(text, "![")
		if start < 0 {
			b.WriteString(text)
			return b.String()
		}
		altEnd := scanTo(text, start+2, ']')
		if altEnd < 0 || altEnd+1 >= len(text) || text[altEnd+1] != '(' {
			b.WriteString(text[:start+1])
			text = text[start+1:]
			continue
		}
		destEnd := scanDestination(text, altEnd+2)
		if destEnd < 0 {
			b.WriteString(text[:start+1])
			text = text[start+1:]
			continue
		}
		b.WriteString(text[:start])
		dest := strings.TrimSpace(text[altEnd+2 : destEnd])
		if uri := replace(dest); uri != "" {
			b.WriteString(text[start:altEnd+2] + uri + ")")
		} else {
			b.WriteString(text[start : destEnd+1])
		}
		text = text[destEnd+1:]
	}
}

// scanTo returns the index of the first unescaped c from i, or -1.
func scanTo(s string, i int, c byte) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case c:
			return i
		}
	}
	return -1
}

// scanDestination returns the index of the parenthesis closing a link
// destination that starts at i, or -1.
func scanDestination(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}
