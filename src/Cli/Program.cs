using System.CommandLine;
using MlNetGd.Cli;
using MlNetGd.Cli.Commands;

var root = new RootCommand("mlnetgd: minibatch gradient-descent linear regression for ML.NET (compare, train, predict, script).");
// Each verb lives in its own file under Commands/ and is added here.
root.Add(CompareCommand.Create());
root.Add(TrainCommand.Create());
root.Add(PredictCommand.Create());
root.Add(DataCommand.Create());
return CliRunner.Invoke(root, args, Console.Out, Console.Error);
