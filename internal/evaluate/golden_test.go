package evaluate

import "flag"

// update rewrites the report golden files under testdata/ (see internal/golden).
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")
