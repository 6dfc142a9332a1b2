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
		{"what is G4C", thingAnswer, ""},
		{"tell me about G4C", anyAnswer, ""},
		{"who says when it happened", personAnswer, ""}, // "when" inside is not the question's
		{"Who did Emma marry?", personAnswer, ""},
		{"whose idea was it", personAnswer, ""},
		{"Where is the Rhine?", placeAnswer, ""},
		{"What century did the Normans first gain their separate identity?", timeAnswer, ""},
		{"in what year did it open", timeAnswer, ""},
		{"how many years did it last", durationAnswer, ""},
	}
	for _, tt := range tests {
		got, counted := answerTypeOf(questionWords(tt.q))
		if got != tt.want || counted != tt.counted {
			t.Errorf("%q: %v %q, want %v %q", tt.q, got, counted, tt.want, tt.counted)
		}
	}
}

// The words of the first and second person count outside the ways of
// asking and the sentences that are context: "you are great" speaks of the
// bot, "can you tell me ..." asks.
func TestPersonalWords(t *testing.T) {
	tests := []struct {
		q        string
		personal int
	}{
		{"What was stage 1?", 0},
		{"fifth phase", 0},
		{"good point", 0},
		{"you are great", 1},
		{"I don\u2019t understand", 1},
		{"thanks for your help everyone", 1},
		{"what's your name", 1},
		{"who made you?", 1},
		{"can you tell me when stage 2 ended?", 0},
		{"i was wondering what G4C is", 0},
		{"Could you please explain stage 3", 0},
		{"How did the US rank in 2010?", 0},
		{"When did Henry I die?", 0},
		{"I think you are right", 2},
		{"My group has a quiz tomorrow! I read the case study. When did stage 2 end?", 0},
	}
	for _, tt := range tests {
		if got := readQuestion(tt.q, 2026).personal; got != tt.personal {
			t.Errorf("%q: personal %d, want %d", tt.q, got, tt.personal)
		}
	}
}
