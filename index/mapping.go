package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of a passage document in the bleve index. doc.go says what each
// holds and why.
const (
	fieldText    = "text"
	fieldSection = "section"
	fieldTitle   = "title"
	fieldKind    = "kind"
	fieldContext = "context"
	fieldSource  = "source"
	fieldList    = "list"
	fieldYears   = "years"
	fieldMeta    = "meta"

	// Fields of the other bleve documents (records.go): a corpus document's
	// stored text, and the body of the index's own records (manifest, words,
	// acronyms). Stored only: no search ever matches them.
	fieldDocText = "doc_text"
	fieldBlob    = "blob"
)

// searchFields are the analyzed fields a question is matched against, with
// the weight of a match in each, relative to the passage text. Fields marked
// retrieve are searched in the index; the others hold the same words for
// every passage of a document, so finding passages by them would only add
// cost, and their matches are checked on the candidates instead.
var searchFields = []struct {
	name     string
	boost    float64
	retrieve bool
}{
	{fieldText, 1, true},
	{fieldSection, 0.6, true},
	{fieldContext, 0.5, true},
	{fieldTitle, 0.3, false},
	// A question that names a kind of document ("when was the article
	// published?") refers to the documents of that kind.
	{fieldKind, 0.9, false},
}

func newMapping() mapping.IndexMapping {
	registerAnalysis()
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	m.DefaultAnalyzer = analyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	text := func(store, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keywordField := bleve.NewKeywordFieldMapping()
	keywordField.Analyzer = keyword.Name
	keywordField.IncludeInAll = false
	keywordField.DocValues = false

	years := bleve.NewNumericFieldMapping()
	years.Store = false
	years.IncludeInAll = false
	years.DocValues = false

	meta := bleve.NewTextFieldMapping()
	meta.Index = false
	meta.Store = true
	meta.IncludeInAll = false
	meta.IncludeTermVectors = false
	meta.DocValues = false

	passage := bleve.NewDocumentStaticMapping()
	passage.AddFieldMappingsAt(fieldText, text(true, true))
	passage.AddFieldMappingsAt(fieldSection, text(false, true))
	passage.AddFieldMappingsAt(fieldTitle, text(false, true))
	passage.AddFieldMappingsAt(fieldContext, text(false, true))
	passage.AddFieldMappingsAt(fieldKind, text(false, true))
	passage.AddFieldMappingsAt(fieldSource, keywordField)
	passage.AddFieldMappingsAt(fieldList, keywordField)
	passage.AddFieldMappingsAt(fieldYears, years)
	passage.AddFieldMappingsAt(fieldMeta, meta)
	passage.AddFieldMappingsAt(fieldDocText, meta)
	passage.AddFieldMappingsAt(fieldBlob, meta)
	// No field goes into bleve's composite "_all" field; without this, each
	// document would still carry an empty one to index.
	passage.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = passage
	return m
}

// allFieldNames are the names of every field of the mapping, and bleve's
// own ("*" names the searcher bleve makes of a disjunction it optimizes):
// the BM25 statistics must cover each field a searcher may name.
var allFieldNames = [...]string{fieldText, fieldSection, fieldTitle, fieldKind, fieldContext, fieldSource,
	fieldList, fieldYears, fieldMeta, fieldDocText, fieldBlob, "_id", "_all", "*"}

// searchFieldNames are the names of searchFields, in order (text first).
var searchFieldNames = [...]string{fieldText, fieldSection, fieldContext, fieldTitle, fieldKind}
