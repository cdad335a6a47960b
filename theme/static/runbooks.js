// Runbooks: progressive enhancements for the reading experience.
