package geoparse

//go:generate go run ./gen -o data/common.txt -countries data/country-words.tsv.gz
