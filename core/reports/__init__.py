"""PDF and spreadsheet report builders, fed with plain DTOs, never with database sessions."""
