package gazetteer

import (
	"slices"
	"sort"
)

// FuzzyMinLen is the least length (bytes of the folded name) for which Near looks for spelling
// variants: shorter names have too many neighbours one edit away to say anything.
const FuzzyMinLen = 7

// Near returns the indexed folded names one edit away from an already folded name (a letter
// deleted, inserted, replaced, or two neighbours swapped: "mocimbodapraia" finds
// "mocimboadapraia", "kastinaala" "katsinaala"), sorted, without the name itself. It returns nil
// for names shorter than FuzzyMinLen. Callers use it only when the exact name is unknown, and rank
// what it finds with the same disambiguation as exact matches.
func (g *Gazetteer) Near(folded string) []string {
	if len(folded) < FuzzyMinLen {
		return nil
	}
	var out []string
	try := func(k []byte) {
		// Most probes miss: test the layers' hash sets before making a string.
		for _, l := range g.layers {
			if l.mayHaveBytes(k) {
				if s := string(k); s != folded && g.Has(s) {
					out = append(out, s)
				}
				return
			}
		}
	}
	b := []byte(folded)
	n := len(b)
	buf := make([]byte, 0, n+1)
	for i := 0; i < n; i++ {
		// deletion
		buf = append(append(buf[:0], b[:i]...), b[i+1:]...)
		try(buf)
		// transposition
		if i+1 < n && b[i] != b[i+1] {
			buf = append(buf[:0], b...)
			buf[i], buf[i+1] = buf[i+1], buf[i]
			try(buf)
		}
		// substitution
		for c := byte('a'); c <= 'z'; c++ {
			if c == b[i] {
				continue
			}
			buf = append(buf[:0], b...)
			buf[i] = c
			try(buf)
		}
	}
	// insertion
	for i := 0; i <= n; i++ {
		for c := byte('a'); c <= 'z'; c++ {
			buf = append(append(append(buf[:0], b[:i]...), c), b[i:]...)
			try(buf)
		}
	}
	sort.Strings(out)
	return slices.Compact(out) // "aab" loses either "a" the same way
}

// mayHaveBytes is mayHave for a name held in a byte slice, without allocating.
func (l *layer) mayHaveBytes(b []byte) bool {
	if len(l.hashes) == 0 {
		return true
	}
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h |= 1
	mask := uint64(len(l.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch l.hashes[i] {
		case 0:
			return false
		case h:
			return true
		}
	}
}
