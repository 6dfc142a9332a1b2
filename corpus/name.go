package corpus

import (
	"errors"
	"fmt"
	"unicode"
)

// MaxNameBytes is the longest name an upload may take: the longest file
// name file systems take, 255 bytes, less what the temporary names made
// while storing and removing a document add to it: WriteFileAtomic's
// ".NAME.tmp-" and up to 10 digits, and the bot's ".NAME.removing".
const MaxNameBytes = 255 - len(".") - len(".tmp-") - 10

// nameProblem checks the characters and the length of an uploaded file's
// name (SafeName checks that it is a plain name): no control characters,
// no invisible format characters (Unicode Cf: zero-width spaces and
// joiners, the soft hyphen, the byte order mark) and no bidirectional
// controls (U+202E RIGHT-TO-LEFT OVERRIDE shows "report\u202Etxt.md" as
// "reportdm.txt"), so that a document's name shows as what it is; and a
// length that leaves room for the temporary names.
func nameProblem(name string) error {
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Cc, r):
			return errors.New("the name holds control characters")
		case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Bidi_Control, r):
			return fmt.Errorf("the name holds an invisible formatting character (%U), which can make a name look like another", r)
		}
	}
	if len(name) > MaxNameBytes {
		return fmt.Errorf("the name is %d bytes long (in UTF-8); names may be up to %d bytes", len(name), MaxNameBytes)
	}
	return nil
}
