INTRO = []
