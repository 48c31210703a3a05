"""Links: which URLs of a record are GitHub and Hugging Face links, checking them, and reporting the results."""
