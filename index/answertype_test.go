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
		{"How old was Chopin when he left Warsaw?", numberAnswer, ""},
		{"how far is the airport from the city", numberAnswer, ""},
		{"how did the old system work", anyAnswer, ""},
		{"what is G4C", thingAnswer, ""},
		{"tell me about G4C", anyAnswer, ""},
		{"who says when it happened", personAnswer, ""}, // "when" inside is not the question's
		{"Who did Emma marry?", personAnswer, ""},
		{"whose idea was it", personAnswer, ""},
		{"Where is the Rhine?", placeAnswer, ""},
		{"What century did the Normans first gain their separate identity?", timeAnswer, ""},
		{"in what year did it open", timeAnswer, ""},
		{"how many years did it last", durationAnswer, ""},
		// a question word with "'s" ("is", "has"), written with or without
		// its apostrophe
		{"when's the case study from", timeAnswer, ""},
		{"whens the case study from", timeAnswer, ""},
		{"what’s G4C", thingAnswer, ""},
		{"whats G4C", thingAnswer, ""},
		{"who's the author", personAnswer, ""},
		{"wheres KISA", placeAnswer, ""},
		{"whose idea was it", personAnswer, ""},
	}
	for _, tt := range tests {
		got, counted := answerTypeOf(questionWords(tt.q))
		if got != tt.want || counted != tt.counted {
			t.Errorf("%q: %v %q, want %v %q", tt.q, got, counted, tt.want, tt.counted)
		}
	}
}
