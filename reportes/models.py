"""Los reportes no tienen modelos propios."""
