#!/usr/bin/env python3
"""Summarizes a dotnet-trace speedscope file: the share of time under GradientDescentRegressionTrainer.Fit spent in each
step (inclusive), and the children of the two largest steps. Usage: speedscope_summary.py fit.speedscope.json"""
import collections
import json
import sys

STEPS = ['DataViewReader.Read(', 'DenseDataset.ShuffleRows', 'CurvatureEstimator.Estimate', 'GradientDescentLoop.Run',
         'GradientKernel.Accumulate', 'BatchGradient.Compute', 'TrainingSession.TrainBatch', 'Sgd.Step', 'LinearModelFactory.Create']


def walk(data, visit):
    frames = [f['name'] for f in data['shared']['frames']]
    for profile in data['profiles']:
        stack, last = [], None
        for event in profile['events']:
            if last is not None and stack:
                visit([frames[i] for i in stack], event['at'] - last)
            last = event['at']
            if event['type'] == 'O':
                stack.append(event['frame'])
            elif stack:
                stack.pop()


def main(path):
    data = json.load(open(path))
    inclusive, total = collections.Counter(), [0.0]
    children = {step: collections.Counter() for step in STEPS[:2]}

    def visit(names, dt):
        if not any('GradientDescentRegressionTrainer.Fit' in n for n in names):
            return
        total[0] += dt
        for step in STEPS:
            hits = [i for i, n in enumerate(names) if step in n]
            if hits:
                inclusive[step] += dt
                if step in children:
                    i = hits[0]
                    children[step][names[i + 1][:110] if i + 1 < len(names) else '(self)'] += dt

    walk(data, visit)
    print(f'time under GradientDescentRegressionTrainer.Fit: {total[0]:.0f} ms')
    for step in STEPS:
        print(f'  {inclusive[step] / total[0] * 100:5.1f}%  {step.rstrip("(")}')
    for step, counter in children.items():
        print(f'inside {step.rstrip("(")}:')
        for name, dt in counter.most_common(5):
            print(f'  {dt / inclusive[step] * 100:5.1f}%  {name}')


if __name__ == '__main__':
    main(sys.argv[1])
