package geoparse

//go:generate go run ./gen -o data/common.txt -countries data/country-words.tsv.gz -admin1 data/admin1-words.tsv.gz
