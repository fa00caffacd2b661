"""Elections and casting: defining a ballot, the board, the register, paper votes, tally,
results, publication, appeals."""
