"""`make mutate`: mutation analysis of the testbench (the YosysHQ MCY method)."""
