package index

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// exp agrees with math.Exp to within two units in the last place (each is
// within one of e**x), and on the edges: NaN, infinities, overflow,
// underflow, and near zero.
func TestExp(t *testing.T) {
	ulps := func(a, b float64) uint64 {
		x, y := math.Float64bits(a), math.Float64bits(b)
		if x > y {
			return x - y
		}
		return y - x
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		x := (r.Float64()*2 - 1) * 700
		if i%2 == 0 {
			x /= 100 // the softmax and the logistic live here
		}
		if got, want := exp(x), math.Exp(x); ulps(got, want) > 2 {
			t.Fatalf("exp(%v) = %v, math.Exp %v", x, got, want)
		}
	}
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {1e-30, 1}, {-1e-30, 1}, {1, math.E},
		{math.Inf(1), math.Inf(1)}, {math.Inf(-1), 0}, {710, math.Inf(1)}, {-746, 0},
	} {
		if got := exp(c.x); got != c.want {
			t.Errorf("exp(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := exp(math.NaN()); !math.IsNaN(got) {
		t.Errorf("exp(NaN) = %v", got)
	}
}

// The package's code calls exp, not math.Exp or the functions built on it,
// so that what casebot train fits does not depend on the processor (exp.go).
func TestNoMathExp(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	onExp := map[string]bool{"Exp": true, "Sinh": true, "Cosh": true, "Tanh": true, "Erf": true, "Erfc": true, "Gamma": true}
	fset := gotoken.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := s.X.(*ast.Ident); ok && x.Name == "math" && onExp[s.Sel.Name] {
					t.Errorf("%s: math.%s depends on the processor's floating-point paths; use exp", fset.Position(s.Pos()), s.Sel.Name)
				}
			}
			return true
		})
	}
}
