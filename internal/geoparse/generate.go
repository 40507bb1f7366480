package geoparse

//go:generate go run ./gen -o data/common.txt
