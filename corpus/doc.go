// Package corpus is casebot's domain: documents, the passages they are split
// into, and the vocabulary that ships beside them.
//
// A corpus is a directory tree (any fs.FS) of Markdown (.md, .markdown),
// plain-text (.txt), HTML (.html, .htm) and PDF documents, Markdown and text
// with optional YAML front matter, plus optional vocabulary files (*.vocab,
// see ParseVocabulary). Load reads one (Scan lists one and reads its documents when they are asked for); Default returns the case-study corpus
// embedded in the binary. HTML and PDF documents are stored as the Markdown
// text extracted from them (html.go, pdf.go), and their passages' line
// numbers refer to that stored text.
//
// Split cuts a document into passages: paragraphs, list items, table rows and
// headings, with long ones cut at sentence boundaries so that none exceeds
// MaxPassageRunes. Every passage keeps its source path, its 1-based line range
// in the stored text, its heading path and a stable id, so a citation can
// always be checked against the file it quotes: the passage text stands
// verbatim in those lines, with only block markup (list markers, heading
// hashes, quote markers, table pipes) left out.
package corpus
