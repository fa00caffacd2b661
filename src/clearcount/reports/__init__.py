"""Layer `reports`: stage tables, result documents and declarations, from counting results."""
