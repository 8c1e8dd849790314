"""Exchange formats (contract `standards.md`): a book as Open Exposure Data for OasisLMF and back, and the
platform's policies, claims and payments as one JSON document. Pure: files and data in, data out."""
