module fluxcap/tests/vtime

go 1.19
