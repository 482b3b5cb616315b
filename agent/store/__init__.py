"""What optout keeps on disk, private to the user: sessions (encrypted), evidence, the run
history, and the locks between optout processes."""
