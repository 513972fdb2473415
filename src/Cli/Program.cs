using System.CommandLine;

var root = new RootCommand("mlnetgd: minibatch gradient-descent linear regression for ML.NET (compare, train, predict, script).");
// Each verb lives in its own file under Commands/ and is added here.
root.Subcommands.Add(MlNetGd.Cli.Commands.ScriptCommand.Create());
return root.Parse(args).Invoke();
