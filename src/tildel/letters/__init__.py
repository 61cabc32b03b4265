"""Letters (brev): templates an administrator can edit, rendered to PDF/A."""
