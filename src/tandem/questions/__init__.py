"""Questions: marketing asks in plain words; technology answers with safe, versioned warehouse queries."""
