"""Reading the client's receivables files at the edge: detect, map, check every row, then load all or none.

The flow: ``reading.read_file`` -> ``header.find_header`` -> ``mapping.suggest`` -> ``checking.check``
-> ``loading.load`` (or ``updating.diff`` / ``updating.apply`` for update files). ``service`` ties
them to import batches for the web, the command line and the background jobs.
"""
