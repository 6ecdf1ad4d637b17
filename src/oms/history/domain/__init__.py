"""The history import's pure part: parsing the formats, planning what each line becomes."""
