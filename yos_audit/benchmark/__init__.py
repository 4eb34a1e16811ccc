"""`manage.py benchmark`: build a data set of a given scale in an empty database, then time the pages.

build.py makes the data by bulk inserts; measure.py times each page through Django's test client
in the same process. See docs/performance.md.
"""
