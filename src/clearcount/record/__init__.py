"""Layer `record`: the public election record (hash-chained events), its files, the roll."""
