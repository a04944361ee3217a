"""Tools that publish the course: student copies, a static site, slides. Notebooks never import these."""
