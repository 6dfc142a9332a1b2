package index

import "testing"

func TestSearchFieldNames(t *testing.T) {
	if len(searchFieldNames) != len(searchFields) {
		t.Fatal("searchFieldNames and searchFields differ in length")
	}
	for i, f := range searchFields {
		if searchFieldNames[i] != f.name {
			t.Errorf("field %d: %s vs %s", i, searchFieldNames[i], f.name)
		}
	}
}
