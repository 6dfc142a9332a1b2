package index

import "math"

// exp is e**x, computed the same way on every processor, so that the
// model casebot train fits, and the confidences casebot reports, do not
// depend on the machine. math.Exp does: on amd64 it takes a path with
// fused multiply-adds where the processor has AVX and FMA, whose results
// differ in the last bits, and the fits carry such differences into the
// weights (README, "The model and how it is trained"). This is Go's
// portable math.exp (FreeBSD's e_exp.c by way of the Go authors,
// BSD-licensed), with each product converted to float64 so that no
// compiler fuses it with an addition either.
func exp(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00

		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28) // 2**-28

		p1 = 1.66666666666666657415e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > overflow: // and +Inf
		return math.Inf(1)
	case x < underflow: // and -Inf
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	// x = k*ln2 + r, |r| <= ln2/2, r = hi - lo
	var k int
	switch {
	case x < 0:
		k = int(float64(log2e*x) - 0.5)
	case x > 0:
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(float64(k) * ln2Lo)
	r := hi - lo
	t := float64(r * r)
	c := r - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}
