package index

import "testing"

func TestAnswerTypeOf(t *testing.T) {
	tests := []struct {
		q       string
		want    answerType
		counted string
	}{
		{"When did it start?", timeAnswer, ""},
		{"and when was KISA founded", timeAnswer, ""},
		{"since when has it run?", timeAnswer, ""},
		{"In which year was the act passed?", timeAnswer, ""},
		{"what date did it open", timeAnswer, ""},
		{"how long ago was that", timeAnswer, ""},
		{"how long did the author work in the UK?", durationAnswer, ""},
		{"for how many years was he there", durationAnswer, ""},
		{"how many stages are there?", numberAnswer, "stages"},
		{"How much did the fund invest?", numberAnswer, "did"},
		{"what number of agencies merged", numberAnswer, "agencies"},
		{"what is G4C", anyAnswer, ""},
		{"who says when it happened", anyAnswer, ""},
	}
	for _, tt := range tests {
		got, counted := answerTypeOf(questionWords(tt.q))
		if got != tt.want || counted != tt.counted {
			t.Errorf("%q: %d %q, want %d %q", tt.q, got, counted, tt.want, tt.counted)
		}
	}
}
