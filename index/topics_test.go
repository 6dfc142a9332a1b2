package index

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestIsOrganisation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		long string
		want bool
	}{
		{"National Information Society Agency", true},
		{"Ministry of the Interior and Safety", true},
		{"Korea Centers for Disease Control and Prevention", true},
		{"National Tax Service", true},
		{"Presidential Committee on the Fourth Industrial Revolution", true},
		{"artificial intelligence", false},
		{"business process system", false},
		{"Internet of Things", false},
		{"customer service", false}, // not written as a name
		{"Agency", false},
		{"Master of Business Administration", false},
		{"United Nations Public Service Awards", false},
		{"United Nations", true},
		{"American Society for Public Administration", true},
		{"Korea Agency for Digital Opportunity", true},
		{"Korea ON-line E-Procurement System", false},
	} {
		if got := isOrganisation(c.long); got != c.want {
			t.Errorf("isOrganisation(%q) = %v", c.long, got)
		}
	}
}

// TestTopics asks the lookups of the embedded case study: its six stages in
// order, one of them led by its own passage, a stage it lacks refused with
// the range, an agency found by acronym, and the success factors as a list.
func TestTopics(t *testing.T) {
	ix := embedded(t)
	ctx := context.Background()
	stages, err := ix.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) < 5 {
		t.Fatalf("%d stages: %+v", len(stages), stages)
	}
	for i, s := range stages {
		if s.N != i+1 || !strings.HasPrefix(strings.ToLower(s.Label), "stage") {
			t.Errorf("stage %d: %+v", i+1, s)
		}
	}

	top, err := ix.Stage(ctx, 3, AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(top.Title, "3") || top.Lead == nil || !strings.Contains(top.Lead.Text, "Stage 3") || !top.Answer.Answered {
		t.Errorf("stage 3: %+v", top)
	}
	if ids := top.Passages(); len(ids) == 0 || ids[0] != top.Lead.ID {
		t.Errorf("stage 3 passages %v, want the lead first", ids)
	}

	_, err = ix.Stage(ctx, 99, AskOptions{})
	var re StageRangeError
	if !errors.As(err, &re) || re.First != 1 || re.Last != len(stages) || re.N != 99 {
		t.Errorf("stage 99: %v", err)
	}

	nia, err := ix.Agency(ctx, "nia", AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nia.Title, "(NIA)") || !strings.Contains(nia.Title, "Agency") || !nia.Answer.Answered {
		t.Errorf("agency nia: %+v", nia)
	}
	if !strings.Contains(nia.Answer.Citations[0].Text, "NIA") {
		t.Errorf("agency nia cites %q", nia.Answer.Citations[0].Text)
	}
	for _, a := range ix.Agencies() {
		if !isOrganisation(a.Long) {
			t.Errorf("agency %+v is not an organisation", a)
		}
	}
	if _, err := ix.Agency(ctx, "  ", AskOptions{}); !errors.Is(err, ErrEmptyQuestion) {
		t.Errorf("empty agency: %v", err)
	}

	f, err := ix.Factors(ctx, AskOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Answer.List || len(f.Answer.Citations) < 4 {
		t.Errorf("factors: list %v, %d citations", f.Answer.List, len(f.Answer.Citations))
	}
}
