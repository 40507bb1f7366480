// Package reader turns what a user points sitrep at — a file, a directory of files, or standard input —
// into documents. It recognises the input's form by its content first and its file name second, and
// hands it to the sub-package for that form: article records (records), news feeds (feed), saved HTML
// pages (page) or plain text (plaintext). Bad input never stops good input: every failure becomes an
// Item naming where it came from.
package reader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/reader/feed"
	"github.com/sitrep-dev/sitrep/internal/reader/page"
	"github.com/sitrep-dev/sitrep/internal/reader/plaintext"
	"github.com/sitrep-dev/sitrep/internal/reader/records"
)

// DefaultMaxBytes caps one input file or stream when Options.MaxBytes is zero.
const DefaultMaxBytes = 64 << 20

// Options tune reading. The zero value is ready to use.
type Options struct {
	// Published is the publication time of plain-text inputs (--published); zero means the file's
	// modification time (or the read time for standard input), marked PublishedApprox.
	Published time.Time
	// MaxBytes caps each input file or stream; 0 means DefaultMaxBytes. Larger inputs fail clearly
	// without being read.
	MaxBytes int64
	// Now gives the fetch time stamped on documents; nil means time.Now.
	Now func() time.Time
	// Logger receives notes that are not failures (a symbolic link to a directory not followed); nil
	// means slog.Default().
	Logger *slog.Logger
}

// Item is one document read, or one failure naming its origin (file path, "path#item N", "-").
// Exactly one of Doc (finished: ID, ContentHash and Origin set) and Err is meaningful. Err says why
// and Origin says where (Err does not repeat it: print "origin: err").
type Item struct {
	Doc    document.Document
	Err    error
	Origin string
}

// Read reads one PATH argument: a file, a directory (recursively, sorted order, skipping dotfiles),
// or "-" for stdin (stdin passed in). It calls fn for every document and every failure; bad input never
// stops good input. Returns an error only if fn does or ctx is cancelled.
func Read(ctx context.Context, path string, stdin io.Reader, opts Options, fn func(Item) error) error {
	r := &run{ctx: ctx, opts: opts, fn: fn}
	if r.opts.MaxBytes <= 0 {
		r.opts.MaxBytes = DefaultMaxBytes
	}
	if r.opts.Now == nil {
		r.opts.Now = time.Now
	}
	if r.opts.Logger == nil {
		r.opts.Logger = slog.Default()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if path == "-" {
		if stdin == nil {
			return r.fail("-", errors.New("no standard input"))
		}
		data, err := readLimited(stdin, r.opts.MaxBytes, -1)
		if err != nil {
			return r.fail("-", err)
		}
		return r.parse("-", data, source{stdin: true})
	}
	st, err := os.Stat(path)
	if err != nil {
		return r.fail(path, reason(err))
	}
	if st.IsDir() {
		if lst, err := os.Lstat(path); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
			// WalkDir does not follow a link even at its root; with a trailing separator the
			// system does.
			path += string(filepath.Separator)
		}
		return r.walk(path)
	}
	return r.file(path, st, true)
}

type run struct {
	ctx  context.Context
	opts Options
	fn   func(Item) error
}

// source is what the parser may need to know about where the bytes came from.
type source struct {
	ext   string    // lower-case file extension, for inputs whose content is ambiguous
	mtime time.Time // modification time, the stand-in publication time of plain text
	stdin bool
}

func (r *run) walk(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := r.ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			// An unreadable directory or entry: report it and go on with its siblings.
			if ferr := r.fail(p, reason(err)); ferr != nil {
				return ferr
			}
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			st, err := os.Stat(p)
			if err != nil {
				return r.fail(p, fmt.Errorf("broken symbolic link: %w", reason(err)))
			}
			if st.IsDir() {
				// Not followed: a link back up the tree would loop.
				r.opts.Logger.Info("symbolic link to a directory not followed", "path", p)
				return nil
			}
			return r.file(p, st, false)
		case !d.Type().IsRegular():
			return r.fail(p, fmt.Errorf("not a regular file (%s)", d.Type()))
		}
		st, err := d.Info()
		if err != nil {
			return r.fail(p, reason(err))
		}
		return r.file(p, st, false)
	})
}

// file reads one file. Named pipes and devices are read only when named on the command line
// (explicit): inside a directory they would block or never end.
func (r *run) file(p string, st fs.FileInfo, explicit bool) error {
	if !st.Mode().IsRegular() && !explicit {
		return r.fail(p, fmt.Errorf("not a regular file (%s)", st.Mode().Type()))
	}
	size := int64(-1)
	if st.Mode().IsRegular() {
		size = st.Size()
		if size > r.opts.MaxBytes {
			return r.fail(p, tooLarge(size, r.opts.MaxBytes))
		}
	}
	f, err := os.Open(p)
	if err != nil {
		return r.fail(p, reason(err))
	}
	data, err := readLimited(f, r.opts.MaxBytes, size)
	f.Close()
	if err != nil {
		return r.fail(p, reason(err))
	}
	return r.parse(p, data, source{ext: strings.ToLower(filepath.Ext(p)), mtime: st.ModTime()})
}

func tooLarge(size, limit int64) error {
	if size < 0 {
		return fmt.Errorf("file too large (more than %d bytes > limit %d)", limit, limit)
	}
	return fmt.Errorf("file too large (%d bytes > limit %d)", size, limit)
}

// readLimited reads at most limit bytes; more is an error, found without reading further. size, when
// known (≥ 0), presizes the buffer.
func readLimited(rd io.Reader, limit, size int64) ([]byte, error) {
	var buf bytes.Buffer
	if size > 0 && size <= limit {
		buf.Grow(int(size) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(rd, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if n > limit {
		return nil, tooLarge(-1, limit)
	}
	return buf.Bytes(), nil
}

// stop carries fn's (or the context's) error out through a form parser, so that it is told apart from
// the parser's own verdict on the input.
type stop struct{ err error }

func (s stop) Error() string { return s.err.Error() }
func (s stop) Unwrap() error { return s.err }

func (r *run) parse(origin string, data []byte, src source) error {
	data, err := decodeText(data)
	if err != nil {
		return r.fail(origin, err)
	}
	each := func(n int, doc document.Document, err error) error {
		if ferr := r.emit(fmt.Sprintf("%s#item %d", origin, n), doc, err); ferr != nil {
			return stop{ferr}
		}
		return nil
	}
	switch detect(data, src.ext) {
	case formRecords:
		err = records.Parse(data, each)
	case formFeed:
		err = feed.Parse(data, each)
	case formPage:
		doc, perr := page.Parse(data, "")
		return r.emit(origin, doc, perr)
	default:
		doc, perr := plaintext.Parse(data)
		if perr == nil {
			doc.Published, doc.PublishedApprox = document.NormalizeTime(r.opts.Published), false
			if doc.Published.IsZero() {
				doc.Published, doc.PublishedApprox = src.mtime, true
				if src.stdin || src.mtime.IsZero() {
					doc.Published = r.opts.Now()
				}
				doc.Published = doc.Published.UTC()
			}
		}
		return r.emit(origin, doc, perr)
	}
	var s stop
	if errors.As(err, &s) {
		return s.err
	}
	if err != nil {
		return r.fail(origin, err)
	}
	return nil
}

// emit hands a document (finished) or a failure to fn.
func (r *run) emit(origin string, doc document.Document, err error) error {
	if cerr := r.ctx.Err(); cerr != nil {
		return cerr
	}
	if err != nil {
		return r.fail(origin, err)
	}
	doc.Origin = origin
	doc.FetchedAt = r.opts.Now().UTC()
	doc.Finish()
	return r.fn(Item{Doc: doc, Origin: origin})
}

func (r *run) fail(origin string, err error) error {
	if cerr := r.ctx.Err(); cerr != nil {
		return cerr
	}
	return r.fn(Item{Err: err, Origin: origin})
}

// reason drops the path from an *fs.PathError, as the Item's Origin names it already.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
