open("definitely_missing_file.txt")
