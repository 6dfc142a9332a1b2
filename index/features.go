package index

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/casebot/casebot/corpus"
)

// A candidate passage is described by named features; the model (model.go,
// weights in model.json, fitted by Train) turns them into its score. This
// file owns the features and the formula, and --explain prints each feature
// with its weight and contribution from the same code.
//
// Coverage features are shares of the question's weight: each topic concept
// (a word or phrase of the question that is neither a question word nor a
// frame word, and that the corpus has) weighs its idf, and a passage covers
// it when it holds all the terms of one of its alternatives. Each kind of
// match (the question's own words, the corpus's vocabulary, other forms,
// synonyms, spelling corrections) is its own feature, so the model learns
// what each is worth.
const (
	fBM25           = iota // BM25 of the question's own terms, over the best candidate's
	fBM25Other             // BM25 through other words, for concepts whose own words are absent
	fBM25Short             // BM25 of the question's own terms, lengths as bleve counts them (favours short passages)
	fBM25Share             // BM25 of the question's own terms over the most any passage could score
	fRetrieval             // bleve's score for the question's own words, over the best candidate's
	fRetrievalOther        // ... for its other words
	fCovExact              // coverage by the question's own words
	fCovVocab              // ... by the corpus's vocabulary and acronyms
	fCovForm               // ... by other forms of the words (irregular, derived)
	fCovEveryday           // ... by everyday synonyms (lexicon/english.vocab)
	fCovSynonym            // ... by synonyms
	fCovSpelling           // ... by corrections of misspelt words
	fCovAntonym            // ... by opposites
	fCovHeading            // coverage by the passage's section headings and table header
	fCovTitle              // coverage by its document's title and kind
	fCovAll                // coverage in the passage, its headings or title, any kind
	fRarest                // the rarest topic concept is covered
	fMissing               // weight of the weightiest concept not covered, over the weightiest's
	fMatchedShare          // share of the topic concepts (not weighted) in the text
	fBigram                // share of adjacent question concepts standing together, in order
	fPhrase                // idf share of the question's adjacent word pairs that stand as close in the passage
	fRun                   // longest run of question concepts standing together, over their number
	fWindow                // concepts matched over the smallest span of words holding them
	fSentence              // coverage by the passage's best sentence
	fSentenceAll           // ... counting every word of the question, question words too
	fFrame                 // share of the frame words ("the role of") matched
	fNames                 // share of the question's names (capitalised words) in the text
	fYears                 // how much of the question's years a closed span of the passage covers
	fYearsOpen             // ... an open span ("2018 onward")
	fOrdinal               // share of the question's ordinals ("the fifth phase") the passage has as ordinals or labels ("5th", "Stage 5")
	fCountOnly             // ... that it has only as counts ("five stages")
	fYearsPrecise          // how much of one of the passage\'s spans the question\'s years cover ("2018 onward" for "since 2018", not "since 1997")
	fTypeTime              // "when" and the passage states a time
	fTypeNumber            // "how many" and the passage states a quantity
	fTypeCount             // "how many X" and a number counts X
	fTypeDuration          // "how long" and the passage states a length of time
	fTypeName              // "who" or "where" and the passage names something the question does not
	fTypeThing             // "what" or "which" and the passage names something the question does not
	fTypeSentence          // the best sentence holds the kind of answer asked for
	fSectionLead           // the passage opens its section: the heading's coverage
	fLeadSpecific          // ... and the share of the heading the question accounts for
	fDocLead               // the passage opens its document: the title's coverage
	fIntro                 // the passage introduces a list (ends with ":")
	fIntroAsked            // ... and the question asks for several things
	fItem                  // the passage is a list item
	fTableRow              // the passage is a table row
	fMeta                  // the passage is a front matter line (author, date)
	fBoost                 // log of the document's boost
	fLength                // log of the passage's length in words
	fDocCoverage           // coverage by all candidates of the passage's document together
	fDocBM25               // their summed BM25, over the best document's
	fDocShare              // share of the candidates from the passage's document
	fCovLocal              // coverage with concepts weighed by their idf among the candidates of the passage\'s document
	fCovTopical            // coverage with concepts weighed by their idf times their topicality for the corpus (background.go)
	fTitleLine             // the passage is a front matter title line (a question about the document finds it)
	fDocAsked              // the question asks about a piece of writing as a whole, and the passage opens it or is its title line
	fFieldAsked            // the question asks for a document's author or date, and the passage holds it
	fTypeNear              // near.go: one over one plus the distance from a word of the kind asked for to a question word
	fTypeDense             // ... the most question words within nearWindow words of one, over their number
	fTypeClose             // ... one stands within nearClose words of a question word
	fQLM                   // the question's likelihood under the passage's words, Dirichlet-smoothed, less the best candidate's
	fSoft                  // soft.go: the question words no candidate holds, matched by their GloVe neighbours
	fDocEnd                // the question asks where a piece of writing ends, and the passage ends it or opens its last section
	numFeatures
)

// featureNames name the features in model.json and in explanations.
var featureNames = [numFeatures]string{
	"bm25", "bm25_other", "bm25_short", "bm25_share", "retrieval", "retrieval_other", "cov_exact", "cov_vocab", "cov_form", "cov_everyday", "cov_synonym",
	"cov_spelling", "cov_antonym", "cov_heading", "cov_title", "cov_all", "rarest", "missing", "matched_share",
	"bigram", "phrase", "run", "window", "sentence", "sentence_all", "frame", "names", "years", "years_open", "ordinal", "count_only", "years_precise", "type_time",
	"type_number", "type_count", "type_duration", "type_name", "type_thing", "type_sentence", "section_lead", "lead_specific",
	"doc_lead", "intro", "intro_asked", "item", "table_row", "meta", "boost", "length",
	"doc_coverage", "doc_bm25", "doc_share", "cov_local", "cov_topical", "title_line", "doc_asked",
	"field_asked", "type_near", "type_dense", "type_close", "qlm", "soft", "doc_end",
}

// features is a candidate's feature vector.
type features [numFeatures]float64

// BM25's parameters, the usual ones (bleve's too).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// weighed is a plan made ready for measuring passages: its concepts that can
// match, their weights and the question's terms.
type weighed struct {
	p        plan
	concepts []int     // indexes of the concepts the corpus has
	w        []float64 // per concept: its weight when a topic, else 0
	total    float64   // the topic concepts' weight
	idfTotal float64   // the weight of all concepts the corpus has
	// bm25Max is the most BM25 of the question's own terms a passage could
	// score: each term's idf times k1+1.
	bm25Max float64
	// yearW is the weight of each of the question's spans of years (the idf
	// of its first year), and whole the topic concepts' and the years'
	// together: the weight a passage's coverage is a share of.
	yearW    []float64
	whole    float64
	rarest   int // the weightiest topic concept, or -1
	names    int // topic concepts that are names
	frames   int // frame concepts
	terms    map[string]bool
	ordinals []string   // the terms of the question's ordinal words ("5" of "fifth")
	pairs    []wordPair // adjacent words of the question the corpus has
	pairsIdf float64
	// topical is each topic concept's weight times its topicality for the
	// corpus (0 when negative), topicalTotal their sum.
	topical      []float64
	topicalTotal float64

	// alts are each concept's alternatives with their terms' idf, looked up
	// once for all candidates.
	alts [][]altTerms
	// inHead remembers, per heading or title, which concepts it holds (a
	// bit per concept): the candidates of one section share it.
	inHead map[*head]uint64

	near nearQuestion // for the nearness features (near.go)

	lm questionModel // for the query likelihood (likelihood.go)

	soft softQuestion // for the soft match (soft.go), set by measure

	scratch // buffers measureOne reuses from one candidate to the next
}

// altTerms is an alternative with the idf of each of its terms.
type altTerms struct {
	alternative
	idf []float64
}

// scratch holds buffers for measuring one candidate after another, so that
// measuring allocates little.
type scratch struct {
	seq          [][]int
	win          []windowAt
	count, seen  []int
	got, gotAll  []float64
	tokenIndexes []int32
	nearMatched  []int
}

// wordPair is two words that stand next to each other in the question
// (stop words between them aside), gap positions apart.
type wordPair struct {
	a, b string
	gap  int
	idf  float64
}

func (st *state) weighPlan(p plan) *weighed {
	q := &weighed{p: p, w: make([]float64, len(p.concepts)), rarest: -1, terms: map[string]bool{},
		alts: make([][]altTerms, len(p.concepts)), inHead: map[*head]uint64{}, topical: make([]float64, len(p.concepts)),
		near: newNearQuestion(p.text, p.want)}
	for i := 1; i < len(p.tokens); i++ {
		a, b := p.tokens[i-1], p.tokens[i]
		if st.docFreq(a.term) == 0 || st.docFreq(b.term) == 0 || a.term == b.term {
			continue
		}
		w := st.idf(st.docFreq(a.term)) + st.idf(st.docFreq(b.term))
		q.pairs = append(q.pairs, wordPair{a.term, b.term, max(1, b.pos-a.pos), w})
		q.pairsIdf += w
	}
	for i, c := range p.concepts {
		for _, a := range c.alts {
			for _, t := range a.terms {
				q.terms[t] = true
			}
		}
		if !c.known {
			continue
		}
		q.concepts = append(q.concepts, i)
		for _, a := range c.alts {
			at := altTerms{alternative: a, idf: make([]float64, len(a.terms))}
			for k, t := range a.terms {
				at.idf[k] = st.idf(st.docFreq(t))
			}
			q.alts[i] = append(q.alts[i], at)
		}
		for _, idf := range q.alts[i][0].idf {
			q.bm25Max += idf * (bm25K1 + 1)
		}
		q.idfTotal += c.weight
		switch {
		case c.filler:
		case c.frame:
			q.frames++
		default:
			q.w[i] = c.weight
			q.total += c.weight
			if v, ok := st.conceptTopicality(c, p.bg); ok && v > 0 {
				q.topical[i] = v * c.weight
				q.topicalTotal += q.topical[i]
			}
			if q.rarest < 0 || c.weight > q.w[q.rarest] {
				q.rarest = i
			}
			if c.name {
				q.names++
			}
		}
	}
	for _, t := range p.tokens {
		if isOrdinal(strings.ToLower(t.word)) && !slices.Contains(q.ordinals, t.term) {
			q.ordinals = append(q.ordinals, t.term)
		}
	}
	q.lm = st.questionModel(p.text)
	q.whole = q.total
	for _, s := range p.spans {
		w := st.idf(st.docFreq(strconv.Itoa(s.From)))
		q.yearW = append(q.yearW, w)
		q.whole += w
	}
	return q
}

// nameMentions is the log of how many candidates of a document hold the
// question's least mentioned name, from df (candidates holding each
// concept), or 0 when the question names nothing the corpus has as written
// (aNamed tells the two apart). A question about a document's subject names
// what the document keeps mentioning; one about something else names what a
// corpus mentions only in passing.
func nameMentions(q *weighed, df []int) float64 {
	least := -1
	for _, i := range q.concepts {
		if c := q.p.concepts[i]; namedTopic(c) && (least < 0 || df[i] < least) {
			least = df[i]
		}
	}
	if least < 0 {
		return 0
	}
	return math.Log1p(float64(least))
}

// namedTopic reports whether a concept is a name the question is about and
// the corpus has as written.
func namedTopic(c concept) bool { return c.name && c.own && c.topic() }

// conceptMatch is how one concept matched one passage.
type conceptMatch struct {
	kind      matchKind // best kind in the text; numMatchKinds for none
	heading   bool
	title     bool
	positions []int // word positions of its matches in the text
	bm25      float64
	bm25Other float64
}

// measure sets the features of every candidate.
func (st *state) measure(p plan, cands []candidate) {
	q := st.weighPlan(p)
	q.soft = newSoftQuestion(q.lm.words, cands)
	maxBM, maxRet, maxOther, maxShort, maxQLM := 0.0, 0.0, 0.0, 0.0, math.Inf(-1)
	type docAgg struct {
		covered  []bool
		df       []int // candidates holding each concept in their text
		bm25     float64
		n        int
		mentions float64 // nameMentions of df
	}
	inText := make([]uint64, len(cands)) // per candidate: the concepts its text holds
	docs := map[string]*docAgg{}
	matches := make([]conceptMatch, len(p.concepts))
	for ci := range cands {
		c := &cands[ci]
		st.measureOne(q, c, matches)
		maxBM = math.Max(maxBM, c.f[fBM25]+c.f[fBM25Other])
		maxShort = math.Max(maxShort, c.f[fBM25Short])
		maxQLM = math.Max(maxQLM, c.f[fQLM])
		maxRet = math.Max(maxRet, c.retrieval)
		maxOther = math.Max(maxOther, c.retrievalOther)
		d := docs[c.meta.Source]
		if d == nil {
			d = &docAgg{covered: make([]bool, len(p.concepts)), df: make([]int, len(p.concepts))}
			docs[c.meta.Source] = d
		}
		for _, i := range q.concepts {
			m := matches[i]
			d.covered[i] = d.covered[i] || m.kind < numMatchKinds || m.heading || m.title
			if m.kind.strong() {
				d.df[i]++
				inText[ci] |= 1 << uint(i)
			}
		}
		d.bm25 += c.f[fBM25]
		d.n++
	}
	maxDoc := 0.0
	for _, d := range docs {
		maxDoc = math.Max(maxDoc, d.bm25)
		d.mentions = nameMentions(q, d.df)
	}
	for ci := range cands {
		f := &cands[ci].f
		d := docs[cands[ci].meta.Source]
		cands[ci].nameMentions = d.mentions
		if q.total > 0 {
			for _, i := range q.concepts {
				if d.covered[i] {
					f[fDocCoverage] += q.w[i] / q.total
				}
			}
		}
		local, all := 0.0, 0.0
		for _, i := range q.concepts {
			if q.w[i] == 0 {
				continue
			}
			idf := math.Log(1 + (float64(d.n)-float64(d.df[i])+0.5)/(float64(d.df[i])+0.5))
			all += idf
			if inText[ci]&(1<<uint(i)) != 0 {
				local += idf
			}
		}
		f[fCovLocal] = ratio0(local, all)
		f[fDocBM25] = ratio0(d.bm25, maxDoc)
		f[fDocShare] = float64(d.n) / float64(len(cands))
		f[fBM25] = ratio0(f[fBM25], maxBM)
		f[fBM25Other] = ratio0(f[fBM25Other], maxBM)
		f[fBM25Short] = ratio0(f[fBM25Short], maxShort)
		f[fQLM] -= maxQLM
		f[fRetrieval] = ratio0(cands[ci].retrieval, maxRet)
		f[fRetrievalOther] = ratio0(cands[ci].retrievalOther, maxOther)
	}
}

func ratio0(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// measureOne sets the features of one candidate that do not depend on the
// others (BM25 is left unscaled), and fills matches for each concept.
func (st *state) measureOne(q *weighed, c *candidate, matches []conceptMatch) {
	p := q.p
	f := &c.f
	*f = features{}
	an := c.sp.analysis()
	m := c.meta
	heads := c.sp.headings(st)
	inHead, inTitle := q.headConcepts(heads[headSection]), q.headConcepts(heads[headTitle])
	dl := float64(len(an.at))
	short := float64(len(an.tokens)) / st.avgShort
	lenNorm := bm25K1 * (1 - bm25B + bm25B*dl/st.avgLen)
	shortNorm := bm25K1 * (1 - bm25B + bm25B*short)

	for i := range matches {
		matches[i] = conceptMatch{kind: numMatchKinds, positions: matches[i].positions[:0]} // reuse the buffer
	}
	matched, frames, names, nTopics := 0, 0, 0, 0
	for _, i := range q.concepts {
		cp := p.concepts[i]
		cm := &matches[i]
		cm.heading = inHead&(1<<uint(i)) != 0
		cm.title = inTitle&(1<<uint(i)) != 0
		for ai, a := range q.alts[i] {
			// BM25 of the alternative, which counts only when all its terms
			// are there.
			s, sShort := 0.0, 0.0
			for k, t := range a.terms {
				tf := float64(len(an.at[t]))
				if tf == 0 {
					s, sShort = -1, 0
					break
				}
				s += a.idf[k] * tf * (bm25K1 + 1) / (tf + lenNorm)
				sShort += a.idf[k] * tf * bm25K1 / (tf + shortNorm)
			}
			if s < 0 {
				continue
			}
			kind := a.kind
			if kind == exactMatch && len(a.terms) == 1 && !strings.ContainsAny(cp.word, " -") &&
				inCompoundsOnly(an, c.sp.text, a.terms[0]) {
				kind = formMatch // "capital" of "human-capital" is another word
			}
			if kind < cm.kind {
				cm.kind = kind
			}
			if kind.strong() {
				for _, ti := range an.at[a.terms[0]] {
					cm.positions = append(cm.positions, an.tokens[ti].pos)
				}
			}
			if ai == 0 {
				cm.bm25 = s
				f[fBM25Short] += sShort
			} else {
				cm.bm25Other = math.Max(cm.bm25Other, s)
			}
		}
		f[fBM25] += cm.bm25
		if cm.bm25 == 0 {
			f[fBM25Other] += cm.bm25Other
		}
		inText := cm.kind.strong()
		if cp.filler {
			continue
		}
		if cp.frame {
			if inText || cm.heading {
				frames++
			}
			continue
		}
		nTopics++
		w := q.w[i] / q.whole
		if cm.kind < numMatchKinds {
			f[fCovExact+int(cm.kind)] += w
		}
		if inText {
			matched++
			if cp.name {
				names++
			}
		}
		if cm.heading {
			f[fCovHeading] += w
		}
		if cm.title {
			f[fCovTitle] += w
		}
		if inText || cm.heading || cm.title {
			f[fCovAll] += w
			f[fCovTopical] += ratio0(q.topical[i], q.topicalTotal)
			if i == q.rarest {
				f[fRarest] = 1
			}
		} else {
			f[fMissing] = math.Max(f[fMissing], q.w[i]/q.w[q.rarest])
		}
	}
	if nTopics > 0 {
		f[fMatchedShare] = float64(matched) / float64(nTopics)
	}
	f[fBM25Share] = ratio0(f[fBM25], q.bm25Max)
	if q.frames > 0 {
		f[fFrame] = float64(frames) / float64(q.frames)
	}
	if q.names > 0 {
		f[fNames] = float64(names) / float64(q.names)
	}
	f[fBigram], f[fRun], f[fWindow] = proximity(q, matches)
	f[fPhrase] = phrases(q, an)
	var bestSent int
	f[fSentence], f[fSentenceAll], bestSent = sentenceCoverage(q, matches, an)

	for k, s := range p.spans {
		closed, open := spanFit(s, m.Spans)
		// The question's years are its own words: they count for its coverage.
		y := q.yearW[k] / q.whole * math.Max(closed, open)
		f[fCovExact] += y
		f[fCovAll] += y
		f[fYears] += closed / float64(len(p.spans))
		f[fYearsPrecise] += spanPrecision(s, m.Spans) / float64(len(p.spans))
		f[fYearsOpen] += open / float64(len(p.spans))
	}
	if len(q.ordinals) > 0 {
		ranked, counted := 0, 0
		for _, term := range q.ordinals {
			asRank, asCount := ordinalUse(an, c.sp.text, term)
			if asRank {
				ranked++
			} else if asCount {
				counted++
			}
		}
		f[fOrdinal] = float64(ranked) / float64(len(q.ordinals))
		f[fCountOnly] = float64(counted) / float64(len(q.ordinals))
	}
	switch p.want {
	case timeAnswer:
		f[fTypeTime] = b2f(len(m.Spans) > 0)
	case numberAnswer:
		f[fTypeNumber] = b2f(m.Number)
		f[fTypeCount] = b2f(countsTerm(m, an, p.counted))
	case durationAnswer:
		f[fTypeDuration] = b2f(m.Duration)
	case personAnswer, placeAnswer:
		f[fTypeName] = b2f(newName(an, q.terms, -1))
	case thingAnswer:
		f[fTypeThing] = b2f(newName(an, q.terms, -1))
	}
	if bestSent >= 0 {
		f[fTypeSentence] = b2f(sentenceHolds(an, bestSent, p.want, q.terms))
	}
	f[fTypeNear], f[fTypeDense], f[fTypeClose], q.nearMatched = q.near.measure(an.surface, q.nearMatched)
	f[fQLM] = q.lm.likelihood(an.plain)
	f[fSoft] = q.soft.measure(an.plain)
	if m.Lead == m.Seq && len(m.Section) > 0 {
		f[fSectionLead] = q.headCoverage(heads[headLead])
		f[fLeadSpecific] = q.specificity(heads[headLast].terms)
	}
	if m.DocLead == m.Seq {
		f[fDocLead] = q.headCoverage(heads[headDoc])
	}
	f[fIntro] = b2f(endsAsIntro(c.text))
	f[fIntroAsked] = b2f(p.list && f[fIntro] == 1)
	f[fItem] = b2f(m.Kind == string(corpus.Item))
	f[fTableRow] = b2f(m.Kind == string(corpus.Row))
	f[fMeta] = b2f(m.Kind == string(corpus.Meta))
	f[fTitleLine] = b2f(m.Kind == string(corpus.TitleLine))
	if p.document && (m.DocLead == m.Seq || f[fTitleLine] == 1) {
		f[fDocAsked] = b2f(q.aboutDocument(inTitle))
	}
	f[fFieldAsked] = b2f(p.holdsField(m.Source, c.text))
	f[fDocEnd] = b2f(p.endings[c.id])
	if m.Boost > 0 {
		f[fBoost] = math.Log(m.Boost)
	}
	f[fLength] = math.Log1p(float64(len(an.tokens)))
}

// aboutDocument reports whether a question that names a piece of writing
// asks about one whose title and kind hold all its topic (inTitle, a bit
// per concept): "what is the Normans article about?" of "Normans", "what
// is the article about?" of the documents of kind "article", "what is the
// reading about?" of any. Its words the corpus lacks are left to the
// answer model.
func (q *weighed) aboutDocument(inTitle uint64) bool {
	for _, i := range q.concepts {
		c := q.p.concepts[i]
		if (c.doc && c.titled || c.topic() && !c.doc) && inTitle&(1<<uint(i)) == 0 {
			return false
		}
	}
	return true
}

// inCompoundsOnly reports whether a term stands in a text only as a part
// of hyphenated words whose other part is a word of two letters or more
// ("human-capital"), not alone and not in "e-government" or "COVID-19".
func inCompoundsOnly(an *analyzed, text, term string) bool {
	at := an.at[term]
	for _, ti := range at {
		t := an.tokens[ti]
		if !wordBeside(text, t.start-1, -1) && !wordBeside(text, t.end, 1) {
			return false
		}
	}
	return len(at) > 0
}

// wordBeside reports whether text[i] is a hyphen with a word of two letters
// or more on its far side (dir -1: before it, 1: after it).
func wordBeside(text string, i, dir int) bool {
	if i < 0 || i >= len(text) || text[i] != '-' {
		return false
	}
	n := 0
	for j := i + dir; j >= 0 && j < len(text); j += dir {
		ch := text[j]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= 0x80 {
			n++
			continue
		}
		if ch >= '0' && ch <= '9' {
			return false
		}
		break
	}
	return n >= 2
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// headConcepts are the concepts a heading or title holds (all the terms of
// one of their alternatives), a bit per concept, found once per question.
func (q *weighed) headConcepts(h *head) uint64 {
	if bits, ok := q.inHead[h]; ok {
		return bits
	}
	var bits uint64
	for _, i := range q.concepts {
		for _, a := range q.p.concepts[i].alts {
			if allIn(h.terms, a.terms) {
				bits |= 1 << uint(i)
				break
			}
		}
	}
	q.inHead[h] = bits
	return bits
}

// headCoverage is the share of the question's topic weight whose concepts a
// heading holds (see headConcepts).
func (q *weighed) headCoverage(h *head) float64 {
	if q.total == 0 {
		return 0
	}
	bits := q.headConcepts(h)
	got := 0.0
	for _, i := range q.concepts {
		if bits&(1<<uint(i)) != 0 {
			got += q.w[i]
		}
	}
	return got / q.total
}

// specificity is the share of a heading's distinct terms that the question
// has ("About the Author" is all about "the author").
func (q *weighed) specificity(heading map[string]bool) float64 {
	if len(heading) == 0 {
		return 0
	}
	hit := 0
	for t := range heading {
		if q.terms[t] {
			hit++
		}
	}
	return float64(hit) / float64(len(heading))
}

// proximity measures how the question's concepts stand in the passage: the
// share of adjacent pairs of the question that stand within nearWords, in
// order; the longest run of such pairs, as a share of the concepts; and
// the matched concepts over the smallest span of words holding one of each.
func proximity(q *weighed, matches []conceptMatch) (bigram, run, window float64) {
	seq := q.seq[:0] // positions of the matchable concepts, in question order
	for _, i := range q.concepts {
		seq = append(seq, matches[i].positions)
	}
	q.seq = seq
	if len(seq) == 0 {
		return 0, 0, 0
	}
	pairs, near, cur, best := 0, 0, 1, 0
	for i := 1; i < len(seq); i++ {
		pairs++
		if follows(seq[i-1], seq[i]) {
			near++
			cur++
		} else {
			cur = 1
		}
		if len(seq[i]) > 0 || len(seq[i-1]) > 0 {
			best = max(best, cur)
		}
	}
	for _, s := range seq {
		if len(s) > 0 {
			best = max(best, 1)
		}
	}
	if pairs > 0 {
		bigram = float64(near) / float64(pairs)
	}
	run = float64(best) / float64(len(seq))
	window = q.smallestWindow(seq)
	return bigram, run, window
}

// phrases is the idf share of the question's word pairs that stand in the
// passage in the same order, at most one word further apart.
func phrases(q *weighed, an *analyzed) float64 {
	if q.pairsIdf == 0 {
		return 0
	}
	got := 0.0
	for _, pr := range q.pairs {
		as, bs := an.at[pr.a], an.at[pr.b]
		if len(as) == 0 || len(bs) == 0 {
			continue
		}
	pair:
		for _, i := range as {
			for _, j := range bs {
				if d := an.tokens[j].pos - an.tokens[i].pos; d > 0 && d <= pr.gap+1 {
					got += pr.idf
					break pair
				}
			}
		}
	}
	return got / q.pairsIdf
}

// nearWords is how far after a question concept the next may stand to count
// as following it: "Emma ... marry" matches "the marriage of Emma" only
// through the window, "Battle of Hastings" the pair.
const nearWords = 3

func follows(a, b []int) bool {
	for _, x := range a {
		for _, y := range b {
			if y > x && y-x <= nearWords {
				return true
			}
		}
	}
	return false
}

// smallestWindow is the number of matched concepts over the length of the
// smallest span of words holding a position of each (0 for fewer than two).
func smallestWindow(seq [][]int) float64 {
	var sc scratch
	return sc.smallestWindow(seq)
}

// windowAt is a position of a concept in a passage.
type windowAt struct{ pos, concept int }

func (sc *scratch) smallestWindow(seq [][]int) float64 {
	all := sc.win[:0]
	m := 0
	for ci, s := range seq {
		if len(s) > 0 {
			m++
		}
		for _, p := range s {
			all = append(all, windowAt{p, ci})
		}
	}
	sc.win = all
	if m < 2 {
		return 0
	}
	// insertion sort: the lists are short
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].pos < all[j-1].pos; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	count := zeroed(&sc.count, len(seq))
	have, best, lo := 0, math.MaxInt, 0
	for hi := range all {
		if count[all[hi].concept] == 0 {
			have++
		}
		count[all[hi].concept]++
		for have == m {
			best = min(best, all[hi].pos-all[lo].pos+1)
			count[all[lo].concept]--
			if count[all[lo].concept] == 0 {
				have--
			}
			lo++
		}
	}
	return float64(m) / float64(best)
}

// zeroed returns *buf resized to n zeros, keeping its array for the next
// candidate.
func zeroed[T int | float64](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	b := (*buf)[:n]
	clear(b)
	*buf = b
	return b
}

// sentenceCoverage is the coverage of the question by the passage's best
// sentence: of its topic weight, and of the weight of all its words; and
// which sentence that is (-1 for none).
func sentenceCoverage(q *weighed, matches []conceptMatch, an *analyzed) (topic, all float64, best int) {
	if len(an.sents) == 0 {
		return 0, 0, -1
	}
	got := zeroed(&q.got, len(an.sents))
	gotAll := zeroed(&q.gotAll, len(an.sents))
	seen := zeroed(&q.seen, len(an.sents))
	for k, i := range q.concepts {
		q.tokenIndexes = matchedTokens(q.tokenIndexes[:0], an, q.p.concepts[i], matches[i])
		for _, ti := range q.tokenIndexes {
			s := an.tokens[ti].sent
			if seen[s] != k+1 {
				seen[s] = k + 1
				got[s] += q.w[i]
				gotAll[s] += q.p.concepts[i].weight
			}
		}
	}
	best = -1
	bt, ba := 0.0, 0.0
	for s := range got {
		bt = math.Max(bt, got[s])
		if gotAll[s] > ba {
			ba, best = gotAll[s], s
		}
	}
	return ratio0(bt, q.total), ratio0(ba, q.idfTotal), best
}

// ordinalUse reports how a text uses a number term: as a rank, written as
// an ordinal ("fifth", "5th") or as a label after a word ("Stage 5"); and
// as a count ("five stages", "in 5 years").
func ordinalUse(an *analyzed, text, term string) (ranked, counted bool) {
	for _, ti := range an.at[term] {
		t := an.tokens[ti]
		if isOrdinal(strings.ToLower(text[t.start:t.end])) {
			return true, false
		}
		if ti > 0 {
			prev := an.tokens[ti-1]
			if prev.pos == t.pos-1 && prev.sent == t.sent && !isNumberTerm(prev.term) {
				return true, false
			}
		}
		counted = true
	}
	return false, counted
}

// isNumberTerm reports whether an analysed term is a number ("5", "2018").
func isNumberTerm(t string) bool {
	return t != "" && t[0] >= '0' && t[0] <= '9'
}

// newName reports whether the text (or its sentence sent, when sent >= 0)
// names something the question does not: a word written with a capital
// that does not start its sentence.
func newName(an *analyzed, question map[string]bool, sent int) bool {
	for _, t := range an.tokens {
		if t.name && !question[t.term] && (sent < 0 || t.sent == sent) {
			return true
		}
	}
	return false
}

// sentenceHolds reports whether sentence sent holds the kind of answer a
// question asks for: a year for "when", a number for "how many", a name
// for "who", "where", "what".
func sentenceHolds(an *analyzed, sent int, want answerType, question map[string]bool) bool {
	switch want {
	case personAnswer, placeAnswer, thingAnswer:
		return newName(an, question, sent)
	case timeAnswer, numberAnswer, durationAnswer:
		for _, t := range an.tokens {
			if t.sent == sent && isNumberTerm(t.term) && !question[t.term] {
				if want == timeAnswer == isYearToken(t.term) {
					return true
				}
			}
		}
	}
	return false
}

// matchedTokens lists the tokens where a concept's alternatives start in
// the text.
func matchedTokens(out []int32, an *analyzed, c concept, m conceptMatch) []int32 {
	if m.kind == numMatchKinds {
		return out
	}
	for _, a := range c.alts {
		if a.kind.strong() && an.has(a.terms) {
			out = append(out, an.at[a.terms[0]]...)
		}
	}
	return out
}

// countsTerm reports whether a number stands just before the counted term
// ("five essential stages" for "how many stages").
func countsTerm(m passageMeta, an *analyzed, counted string) bool {
	if counted == "" {
		return false
	}
	for _, p := range an.positions(counted) {
		for _, n := range m.NumPos {
			if d := p - n; d > 0 && d <= 3 {
				return true
			}
		}
	}
	return false
}

// spanFit is how well a passage's years fit one span of the question: the
// largest share of it that one closed passage span covers, and that one
// open span covers ("since 1997" covers 2014, but says little about it).
func spanFit(q corpus.Span, ps []corpus.Span) (closed, open float64) {
	for _, p := range ps {
		f := float64(q.Overlap(p)) / float64(q.Len())
		if p.Open {
			open = math.Max(open, f)
		} else {
			closed = math.Max(closed, f)
		}
	}
	return closed, open
}

// spanPrecision is the largest share of one passage span that a span of
// the question covers.
func spanPrecision(q corpus.Span, ps []corpus.Span) float64 {
	best := 0.0
	for _, p := range ps {
		best = math.Max(best, float64(q.Overlap(p))/float64(p.Len()))
	}
	return best
}

// allIn reports whether a set of terms holds all of terms.
func allIn(set map[string]bool, terms []string) bool {
	for _, t := range terms {
		if !set[t] {
			return false
		}
	}
	return true
}

// Answer features describe a question and its best candidate, for the
// probability that the best candidate answers the question ("not found"
// below a threshold).
const (
	aSoftmax        = iota // the best candidate's share of a softmax over the candidates' scores
	aMargin                // its score less the second's
	aScore                 // its score
	aCovAll                // its coverage, any kind, anywhere
	aCovExact              // its coverage by the question's own words
	aSentence              // its best sentence's coverage
	aMissing               // its weightiest missing concept
	aKnown                 // share of the question's topic weight that the corpus has as written
	aUnknownNames          // share of the topic weight in names (capitalised words) the corpus lacks
	aUnknownWords          // ... in other nouns it lacks
	aAnyUnknown            // the corpus lacks a name or noun of the question
	aUnknownVerbs          // ... in verbs and adjectives it lacks
	aTopics                // topic concepts
	aCorrectedNames        // capitalised words the corpus lacks, corrected to a corpus word (often a name it lacks)
	aCorrectedWords        // other words corrected (often a typo)
	aYears                 // the question names years
	aYearFit               // the best candidate's fit of them
	aTyped                 // the question asks for a kind of answer (a time, a number, a name)
	aTypeFit               // the best candidate holds it
	aDocCoverage           // coverage by the best candidate's document
	aSentenceAll           // its best sentence's share of all the question's words
	aPhrase                // its share of the question's word pairs
	aMatchedShare          // its share of the topic concepts
	aNames                 // its share of the question's names
	aCovQuestion           // its coverage of all the question's topic weight, words the corpus lacks included
	aBM25Share             // its BM25 over the most a passage could score
	aDocMass               // the softmax share of the candidates from its document
	aNearMass              // ... from its document within nearPassages of it
	aDocs                  // log of the number of documents in the corpus
	aPassages              // log of the number of passages
	aNamed                 // the question names something the corpus has as written
	aNameMentions          // log of how many candidates of its document hold the question's least mentioned such name
	aTopical               // how much more the corpus uses the question's words than the background does (background.go)
	aTopicalMin            // ... for its least topical word
	aTopicalMax            // ... for its most topical word
	aDocAsked              // the question asks about a piece of writing as a whole, and the best candidate opens it or is its title
	aFieldAsked            // the question asks for a document's author or date, and the best candidate holds it
	numAnswerFeatures
)

var answerFeatureNames = [numAnswerFeatures]string{
	"softmax", "margin", "score", "cov_all", "cov_exact", "sentence", "missing", "known",
	"unknown_names", "unknown_words", "any_unknown", "unknown_verbs", "topics", "corrected_names", "corrected_words", "years",
	"year_fit", "typed", "type_fit", "doc_coverage", "sentence_all", "phrase", "matched_share",
	"names", "cov_question", "bm25_share", "doc_mass", "near_mass", "docs", "passages", "named", "name_mentions",
	"topical", "topical_min", "topical_max", "doc_asked", "field_asked",
}

type answerFeatures [numAnswerFeatures]float64

// nearPassages is how far from the best candidate, in its document, a
// candidate counts as near it: the answer is in that part of the document.
const nearPassages = 2

// splitID splits a passage id into its source and sequence number.
func splitID(id string) (string, int) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return id, 0
	}
	n, _ := strconv.Atoi(id[i+1:])
	return id[:i], n
}

// maxCount caps the counts among the answer features.
const maxCount = 3

// answerFeaturesOf describes a plan and its ranked candidates.
func (st *state) answerFeaturesOf(p plan, ranked []candidate) answerFeatures {
	a := st.questionFeatures(p)
	if len(ranked) > 0 {
		scores := make([]float64, len(ranked))
		ids := make([]string, len(ranked))
		for i, c := range ranked {
			scores[i], ids[i] = c.score, c.id
		}
		a.setBest(scores, ids, 0, &ranked[0].f, ranked[0].nameMentions)
	}
	return a
}

// questionFeatures are the answer features that depend on the question
// alone (and the corpus, and the background it is compared with).
func (st *state) questionFeatures(p plan) answerFeatures {
	var a answerFeatures
	st.topicality(p, &a)
	a[aDocs] = math.Log1p(float64(st.info.Documents))
	a[aPassages] = math.Log1p(float64(st.n))
	// The question's topic weight: what the corpus has as written, what
	// it has only as a correction, and what it lacks, by kind of word.
	all := 0.0
	for _, c := range p.concepts {
		if !c.topic() {
			continue
		}
		a[aTopics]++
		all += c.weight
		a[aNamed] = max(a[aNamed], b2f(namedTopic(c)))
		corrected := c.alts[len(c.alts)-1].kind == typoMatch
		switch {
		case c.own:
			a[aKnown] += c.weight
		case corrected && c.name:
			a[aCorrectedNames]++
		case corrected:
			a[aCorrectedWords]++
		case c.name:
			a[aUnknownNames] += c.weight
		case c.predicate:
			a[aUnknownVerbs] += c.weight
		default:
			a[aUnknownWords] += c.weight
		}
	}
	a[aAnyUnknown] = b2f(a[aUnknownNames]+a[aUnknownWords] > 0)
	if all > 0 {
		for _, i := range [...]int{aKnown, aUnknownNames, aUnknownWords, aUnknownVerbs} {
			a[i] /= all
		}
	} else {
		a[aKnown] = 1
	}
	a[aTopics] = math.Min(a[aTopics], 3*maxCount)
	a[aCorrectedNames] = math.Min(a[aCorrectedNames], maxCount)
	a[aCorrectedWords] = math.Min(a[aCorrectedWords], maxCount)
	a[aYears] = b2f(len(p.spans) > 0)
	a[aTyped] = b2f(p.want != anyAnswer)
	return a
}

// setBest fills the answer features of the best candidate: the candidates'
// scores and passage ids, which is the best, its features and its
// nameMentions.
func (a *answerFeatures) setBest(scores []float64, ids []string, b int, top *features, mentions float64) {
	src, seq := splitID(ids[b])
	sum, second := 0.0, math.Inf(-1)
	for i, s := range scores {
		e := exp(s - scores[b])
		sum += e
		if i != b {
			second = math.Max(second, s)
		}
		if is, iq := splitID(ids[i]); is == src {
			a[aDocMass] += e
			if iq >= seq-nearPassages && iq <= seq+nearPassages {
				a[aNearMass] += e
			}
		}
	}
	a[aSoftmax] = 1 / sum
	a[aDocMass] /= sum
	a[aNearMass] /= sum
	if len(scores) > 1 {
		a[aMargin] = scores[b] - second
	}
	a[aScore] = scores[b]
	a[aCovAll] = top[fCovAll]
	a[aCovExact] = top[fCovExact]
	a[aSentence] = top[fSentence]
	a[aMissing] = top[fMissing]
	a[aYearFit] = math.Max(top[fYears], top[fYearsOpen])
	a[aTypeFit] = math.Max(math.Max(top[fTypeTime], top[fTypeNumber]), math.Max(top[fTypeDuration], math.Max(top[fTypeName], top[fTypeThing])))
	a[aDocCoverage] = top[fDocCoverage]
	a[aSentenceAll] = top[fSentenceAll]
	a[aPhrase] = top[fPhrase]
	a[aMatchedShare] = top[fMatchedShare]
	a[aNames] = top[fNames]
	a[aCovQuestion] = top[fCovAll] * a[aKnown]
	a[aBM25Share] = top[fBM25Share]
	a[aNameMentions] = mentions
	a[aDocAsked] = top[fDocAsked]
	a[aFieldAsked] = top[fFieldAsked]
}
