# The procedure catalog (TUPA) and citizens' requests arrive with their own issue.
